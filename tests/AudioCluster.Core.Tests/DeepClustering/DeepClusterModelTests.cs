using AudioCluster.Clustering;
using AudioCluster.DeepClustering;
using AudioCluster.Encoders;
using AudioCluster.Reduction;

namespace AudioCluster.Tests.DeepClustering;

/// <summary>The saved DeepCluster model (PCA whitening, L2, centres, encoder binding): managed code, no libtorch.</summary>
public class DeepClusterModelTests
{
    static readonly ByolaEncoderBinding Binding = new("0123456789ab", 6, new NormalizationStats(-4.5, 5.25));

    // Three groups of 6-dimensional "features" around distinct directions, 20 each.
    static DataMatrix Features(int seed)
    {
        var rng = new Random(seed);
        var x = new DataMatrix(60, 6);
        for (int i = 0; i < 60; i++)
            for (int j = 0; j < 6; j++) x[i, j] = (j % 3 == i % 3 ? 5 : 0) + rng.NextDouble();
        return x;
    }

    static DeepClusterModel Fit(DataMatrix features)
    {
        var pca = Pca.Fit(features, new PcaOptions { Dimensions = 4, Whiten = true });
        var prepared = VectorPreprocessing.L2Normalize(pca.Transform(features));
        var kmeans = KMeans.Fit(prepared, new KMeansOptions(3, Seed: 1) { EmptyClusters = KMeansEmptyClusters.SplitPerturbed });
        return new DeepClusterModel("DeepCluster k=3 epochs=1 seed=0", Binding, pca, kmeans.Centers);
    }

    [Fact]
    public void SavedAndLoadedModelAssignsAsBeforeWithConfidenceBetweenZeroAndOne()
    {
        var features = Features(1);
        var model = Fit(features);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = DeepClusterModel.Load(stream);
        var before = model.Assign(features);
        var after = loaded.Assign(Features(1));
        Assert.Equal(before.Labels, after.Labels);
        Assert.Equal(before.Distances, after.Distances);
        Assert.All(after.Confidence!, c => Assert.InRange(c, 0.0, 1.0));
        Assert.Equal(3, after.Labels.Distinct().Count());
        Assert.Equal(Binding, loaded.Encoder);
        Assert.Equal("DeepCluster k=3 epochs=1 seed=0", loaded.Method);
        // New points of the same groups land with their group.
        var fresh = loaded.Assign(Features(2));
        for (int i = 0; i < 60; i++) Assert.Equal(after.Labels[i % 3], fresh.Labels[i]);
    }

    [Fact]
    public void SavedClusterModelsReadsItByItsFormat()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dc-model-{Guid.NewGuid():N}.json");
        try
        {
            using (var file = File.Create(path)) Fit(Features(1)).Save(file);
            var loaded = SavedClusterModels.Load(path);
            Assert.IsType<DeepClusterModel>(loaded);
            Assert.Equal(3, loaded.ClusterCount);
            Assert.Equal(6, loaded.InputDimensions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EncoderCheckAcceptsItsOwnEmbeddingsAndExplainsAnyOther()
    {
        var model = Fit(Features(1));
        string own = "ByolA/v1 dc.encoder.pth sha256=0123456789ab d=6 mels=64 norm mean=-4.5 std=5.25";
        Assert.Null(model.EncoderMismatch(own));
        Assert.Null(model.EncoderMismatch(own.Replace("dc.encoder.pth", "renamed.pth")));   // the file name does not matter
        Assert.Null(model.EncoderMismatch(null));
        var other = model.EncoderMismatch("ByolA/v1 AudioNTT2020-BYOLA-64x96d512.pth sha256=ffffffffffff d=512 mels=64 norm mean=-4.5 std=5.25");
        Assert.Contains("sha256=0123456789ab", other);
        Assert.Contains("-NormalizationMean -4.5 -NormalizationStd 5.25", other);
        Assert.Contains("sha256=0123456789ab", model.EncoderMismatch("MelStats/v1 mels=64"));
        Assert.Contains("another log-mel normalisation", model.EncoderMismatch(own.Replace("mean=-4.5", "mean=-3")));
    }

    [Fact]
    public void DamagedFilesAreRefusedClearly()
    {
        var ex = Assert.Throws<InvalidDataException>(() => DeepClusterModel.Load(new MemoryStream("{\"format\":\"AudioCluster.DeepClusterModel\",\"version\":1}"u8.ToArray())));
        Assert.Contains("Not a readable DeepCluster model", ex.Message);
        Assert.Throws<InvalidDataException>(() => DeepClusterModel.Load(new MemoryStream("{\"format\":\"AudioCluster.ClusterModel\",\"version\":1}"u8.ToArray())));
    }
}
