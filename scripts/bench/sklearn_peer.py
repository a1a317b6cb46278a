"""Peer side of the classic-algorithm benchmark: makes each workload's data, times scikit-learn on it.

Usage: python3 sklearn_peer.py WORKLOAD DATA_PATH [--threads N]
Writes the input matrix as raw little-endian float32 (rows x cols) to DATA_PATH (labels as int32
for the metric workloads), then prints one JSON line: {"seconds": .., "quality": .., "rows": .., "cols": ..}.
The data is made here with numpy's seeded generators so both sides see the very same numbers.
"""
import json
import os
import sys
import time


def main():
    workload, path = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else os.cpu_count()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    import numpy as np
    from sklearn import cluster, datasets, decomposition, manifold, metrics

    def blobs(n, d, centers):
        x, _ = datasets.make_blobs(n_samples=n, n_features=d, centers=centers, random_state=0)
        return x.astype(np.float32)

    def save(x):
        np.ascontiguousarray(x).tofile(path)

    result = {}
    if workload == "kmeans":
        x = blobs(100_000, 512, 50); save(x)
        t = time.perf_counter()
        km = cluster.KMeans(n_clusters=100, n_init=1, algorithm="lloyd", random_state=0).fit(x)
        result = {"seconds": time.perf_counter() - t, "quality": float(km.inertia_)}
    elif workload == "pca":
        x = blobs(100_000, 512, 50); save(x)
        t = time.perf_counter()
        p = decomposition.PCA(n_components=32, svd_solver="randomized", random_state=0).fit(x)
        p.transform(x)
        result = {"seconds": time.perf_counter() - t, "quality": float(p.explained_variance_ratio_.sum())}
    elif workload in ("ward10k", "ward20k"):
        n, d = (10_000, 512) if workload == "ward10k" else (20_000, 64)
        x = blobs(n, d, 20); save(x)
        t = time.perf_counter()
        labels = cluster.AgglomerativeClustering(n_clusters=20, linkage="ward").fit_predict(x)
        result = {"seconds": time.perf_counter() - t, "quality": 1.0}
        labels.astype(np.int32).tofile(path + ".labels")   # so the other side can measure its ARI against these
    elif workload in ("tsne3k", "tsne10k"):
        n, d = (3_000, 512) if workload == "tsne3k" else (10_000, 50)
        x = blobs(n, d, 10); save(x)
        t = time.perf_counter()
        ts = manifold.TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0, method="barnes_hut").fit(x)
        result = {"seconds": time.perf_counter() - t, "quality": float(ts.kl_divergence_)}
    elif workload in ("nmi", "ari"):
        rng = np.random.default_rng(0)
        a = rng.integers(0, 100, 10_000_000).astype(np.int32)
        b = np.where(rng.random(a.size) < 0.7, a, rng.integers(0, 100, a.size)).astype(np.int32)
        np.concatenate([a, b]).tofile(path)
        t = time.perf_counter()
        q = metrics.normalized_mutual_info_score(a, b) if workload == "nmi" else metrics.adjusted_rand_score(a, b)
        result = {"seconds": time.perf_counter() - t, "quality": float(q)}
        x = a.reshape(-1, 1)
    else:
        raise SystemExit(f"unknown workload {workload}")
    try:
        from threadpoolctl import threadpool_info
        result["blas"] = "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}" for i in threadpool_info())
    except ImportError:
        pass
    result.update(rows=int(x.shape[0]), cols=int(x.shape[1]) if workload not in ("nmi", "ari") else 2, threads=threads)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
