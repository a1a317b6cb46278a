using AudioCluster.Encoders;

namespace AudioCluster.Tests.Encoders;

public class ClassLabelsTests
{
    [Fact]
    public void ReadsQuotedNamesWithCommasAndQuotesInOrder()
    {
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, ClassLabels.DefaultFileName);
        File.WriteAllText(path, "index,mid,display_name\n0,/m/09x0r,\"Speech\"\n1,/m/05zppz,\"Male speech, man speaking\"\n2,/m/x,\"A \"\"quoted\"\" name\"\n3,/m/y,Plain\n");
        Assert.Equal(["Speech", "Male speech, man speaking", "A \"quoted\" name", "Plain"], ClassLabels.Load(path));
    }

    [Theory]
    [InlineData("index,mid,display_name\n1,/m/a,\"A\"\n", "expected class index 0")]
    [InlineData("id,name\n0,A\n", "display_name")]
    [InlineData("index,mid,display_name\n", "no class labels")]
    public void RejectsFilesThatAreNotAClassList(string text, string message)
    {
        using var temp = new TempDir();
        var path = Path.Combine(temp.Path, "labels.csv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InvalidDataException>(() => ClassLabels.Load(path));
        Assert.Contains(message, e.Message);
    }

    [SkippableFact]
    public void TheAudioSetListHas527Classes()
    {
        var path = SharedData.PathTo("models/efficientat/" + ClassLabels.DefaultFileName);
        Skip.If(path == null, "../shared/models/efficientat/class_labels_indices.csv is not present on this machine");
        var names = ClassLabels.Load(path!);
        Assert.Equal(527, names.Length);
        Assert.Equal("Speech", names[0]);
        Assert.Equal("Male speech, man speaking", names[1]);
    }
}
