namespace AudioCluster.Runtime;

/// <summary>Where a neural network runs: the CPU, a CUDA GPU, or a GPU when one works and the CPU otherwise.</summary>
public enum ComputeDevice { Cpu, Cuda, Auto }
