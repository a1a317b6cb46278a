# Help source for the AudioCluster cmdlets. Not shipped: scripts/Build-Help.ps1 turns it into
# module/AudioCluster/en-US/AudioCluster.PowerShell.dll-Help.xml, taking parameter metadata
# (types, positions, pipeline input, aliases, parameter sets, defaults) from the cmdlets.
#
# Text fields: a blank line starts a new paragraph; the lines of a paragraph are joined, except
# lines starting with '-', '[' or two spaces, which keep their break. Keep it ASCII.
@{
    # Parameters of the cmdlets that read audio (files or AudioClip objects). An entry's own
    # Parameters take precedence.
    SharedParameters = @{
        AppliesTo  = @('Import-Audio', 'Get-Spectrogram', 'Get-AudioEmbedding')
        Parameters = @{
            Path               = @'
One or more paths of audio files or folders. Wildcards are allowed (*, ?, [abc]). A folder stands
for the audio files directly in it, in ordinal name order (with -Recurse, also those in its
subfolders); files named explicitly are read whatever their extension.

Strings on the pipeline bind to this parameter. A path that matches nothing is a non-terminating
error (PathNotFound) and the remaining paths are still read.
'@
            LiteralPath        = @'
One or more paths used exactly as written: wildcard characters are not interpreted. Folders are
expanded as for -Path.

FileInfo objects from Get-ChildItem or Get-Item bind to this parameter through their PSPath
property (the aliases are PSPath, FullName and LP), which is what makes
"Get-ChildItem -Filter *.wav | Import-Audio" work.
'@
            LabelPattern       = @'
A .NET regular expression matched against each file name (the name with its extension, not the
folder). The text of its named group 'label' becomes the clip's label, for example
'^(?<label>[a-z]+)_' gives 'tone' for tone_003.wav and '^(?<label>\d+)_' gives '7' for
7_jackson_32.wav. Matching is case-sensitive; start the pattern with (?i) to ignore case.

A file the pattern does not match gives a warning and an unlabelled result. A pattern that is not
a valid regular expression, or has no group named 'label', is a terminating error raised before
any file is read. Cannot be combined with -LabelFromDirectory.

Labels are carried along to Measure-ClusterQuality; clustering never looks at them.
'@
            LabelFromDirectory = @'
Uses the name of the folder that directly holds each file as its label, for collections laid out
as one folder per class (dog/001.wav, cat/001.wav ...). Give the parent folder with -Recurse.
Cannot be combined with -LabelPattern.
'@
            Recurse            = @'
For a folder given in -Path or -LiteralPath, also takes the audio files in all of its subfolders.
Has no effect on paths of files.
'@
        }
    }

    'Import-Audio' = @{
        Synopsis    = 'Decodes audio files into AudioClip objects: resampled, mixed down to mono and labelled.'
        Description = @'
Import-Audio reads audio files and writes one AudioCluster.Audio.AudioClip per file: the samples as
32-bit floats in [-1, 1], the sample rate, the number of channels, the format the file was decoded
from and, when asked, a label taken from the file name (-LabelPattern) or from its folder
(-LabelFromDirectory). Get-Spectrogram and Get-AudioEmbedding take these clips; they also read files
themselves, so Import-Audio is needed only to look at or reuse the decoded audio, or to crop it
with -Offset and -Duration.

WAV (8-, 16-, 24- and 32-bit PCM, 32- and 64-bit float, A-law and mu-law; RIFF, RIFX and RF64),
AIFF and AIFC, MP3 and Ogg Vorbis are decoded by managed code inside the module. FLAC, M4A/AAC,
Opus, WMA, WebM and the other formats are decoded through ffmpeg, found on PATH or at the path
in the AUDIOCLUSTER_FFMPEG environment variable (AUDIOCLUSTER_FFMPEG=none turns it off). The format
is recognised from the first bytes of the file, with the extension only as a fallback, so a
misnamed file is still read correctly. Get-AudioClusterEnvironment shows which ffmpeg is used.

By default every clip is mixed down to mono (the channels are averaged) and keeps the file's own
sample rate. -SampleRate resamples with the band-limited sinc filter of
torchaudio.functional.resample (Hann window, lowpass_filter_width 6, rolloff 0.99), giving the
same samples bit for bit. -Mono:$false keeps every channel. -Offset and -Duration cut an excerpt,
in seconds of the file's own time, before resampling.

Files are decoded in parallel on all processor cores, in batches of four files per core, and the
clips are written in the order the files came in, one batch at a time, so the cmdlet streams:
"Import-Audio | Get-AudioEmbedding" never holds more than a batch. Collecting the clips in a
variable keeps all decoded audio in memory (4 bytes per sample and channel); for large
collections pipe the files straight to Get-AudioEmbedding instead.

A file that cannot be read (missing, damaged, empty, not audio, or in a format that needs ffmpeg
when ffmpeg is not available) is a non-terminating error whose message names the file and says
why; its TargetObject is the path, its error id ImportAudio.Failed (PathNotFound for a path that
does not exist) and its category InvalidData for content that is not decodable audio. The other
files go on. With -ErrorAction Stop the first bad file stops the pipeline with that error instead.
Invalid parameter combinations (-LabelPattern with -LabelFromDirectory, a pattern without a
'label' group, -Duration 0) are terminating errors raised before any file is read.

Progress shows the number of files done and the name of the last one; there is no percentage,
because the length of a pipeline is not known in advance. Set $ProgressPreference to
'SilentlyContinue' to hide it. Ctrl+C stops the work: no new file is started, the batch in
flight is abandoned and the clips already written stay in the output.
'@
        Parameters  = @{
            SampleRate = @'
Resamples every clip to this rate, in Hz (1000 to 384000), with torchaudio's default resampler.
When omitted, each clip keeps the rate of its file.
'@
            Mono       = @'
Mixes the channels down to one by averaging them. On by default; -Mono:$false keeps all channels,
interleaved in the Samples array (frame 0 of every channel, then frame 1, and so on).
'@
            Offset     = @'
Seconds to skip at the start of each file, in the file's own time (before any resampling).
0 by default.
'@
            Duration   = @'
Seconds to keep after -Offset. When omitted, the clip runs to the end of the file; a file that
ends sooner gives a shorter clip. Must be more than 0.
'@
        }
        Defaults    = @{
            SampleRate = "None (the file's own rate)"
            Duration   = 'None (to the end of the file)'
        }
        Inputs      = @(
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item (any object with a PSPath or FullName property); they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Audio.AudioClip'
                Description = @'
One clip per file that could be read, in input order. Properties: Source (full path), Name (file
name), Label, SampleRate, Channels, Format (wav, aiff, mp3, ogg, or ffmpeg:<extension>), Samples
(float[] in [-1, 1], interleaved when Channels > 1), FrameCount and Duration (a TimeSpan). The
default view is a table of Name, Label, SampleRate, Channels, Seconds and Format.
'@
            }
        )
        Notes       = @'
Integer PCM is scaled by 1 / 2^(bits - 1), as torchaudio.load and soundfile do, so 16-bit WAV
samples are exactly int16 / 32768. The resampler reproduces torchaudio.functional.resample with its
defaults bit for bit; features computed from the clips therefore match PyTorch references.

The label rules apply to files. Get-Spectrogram and Get-AudioEmbedding keep the label of an
AudioClip they are given.
'@
        Examples    = @(
            @{
                Title   = 'Decode a folder of files, labelled from their names'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Get-ChildItem ./demo -Filter *.wav | Import-Audio -LabelPattern '^(?<label>[a-z]+)_'
'@
                Remarks = @'
Writes 40 synthetic clips (tone_000.wav to clicks_009.wav) into ./demo and decodes them. The
pattern takes each label from the start of the file name; the table shows Name, Label,
SampleRate, Channels, Seconds and Format of every clip.
'@
            }
            @{
                Title   = 'Resample and cut an excerpt'
                Code    = @'
Import-Audio -Path ./demo/tone_*.wav -SampleRate 8000 -Offset 0.25 -Duration 0.5 |
    Select-Object Name, SampleRate, FrameCount
'@
                Remarks = @'
Takes the half second that starts 0.25 s into each tone file and resamples it to 8 kHz: every clip
has 4000 frames. The wildcard is expanded by -Path.
'@
            }
            @{
                Title   = 'Labels from folders, searched recursively'
                Code    = @'
Get-ChildItem ./demo -Filter *.wav | ForEach-Object {
    $class = $_.Name.Split('_')[0]
    $folder = New-Item -ItemType Directory -Force -Path (Join-Path ./byclass $class)
    Copy-Item -LiteralPath $_.FullName -Destination $folder
}
Import-Audio -Path ./byclass -Recurse -LabelFromDirectory | Group-Object Label | Select-Object Name, Count
'@
                Remarks = @'
Copies the demo files into one folder per class (./byclass/tone, ./byclass/chirp ...) and
imports the parent folder with -Recurse: each clip is labelled with the name of its folder, 10
clips per label.
'@
            }
            @{
                Title   = 'Carry on past damaged files and list them afterwards'
                Code    = @'
Set-Content -Path ./demo/broken.wav -Value 'this is not audio'
$clips = Import-Audio -Path ./demo -ErrorVariable failed -ErrorAction SilentlyContinue
"$($clips.Count) clips; failed: $($failed.TargetObject -join ', ')"
Remove-Item ./demo/broken.wav
'@
                Remarks = @'
The damaged file is one non-terminating error naming it; the 40 good clips are still imported.
-ErrorVariable collects the errors, whose TargetObject is the path of the file. With
-ErrorAction Stop the first bad file would end the command instead.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-Spectrogram', 'Get-AudioEmbedding', 'New-SyntheticAudioSet')
    }

    'Get-Spectrogram' = @{
        Synopsis    = 'Computes log-mel (default), mel, MFCC or linear power spectrograms of audio files or clips, equal to torchaudio''s.'
        Description = @'
Get-Spectrogram writes one AudioCluster.Features.Spectrogram per clip: a matrix of Bins rows
(mel bands or coefficients) by Frames columns (time steps). The default is the log-mel
spectrogram that BYOL-A feeds its encoder: mono audio at 16 kHz, a 1024-point FFT with a Hann
window, a hop of 160 samples (10 ms), 64 HTK mel bands from 60 to 7800 Hz, power 2, then
ln(mel + 1.19e-7). -Kind Mel gives the mel spectrogram before the logarithm, -Kind Mfcc the
mel-frequency cepstral coefficients and -Kind Power the linear spectrogram (one row per FFT
frequency bin, as torchaudio.transforms.Spectrogram).

The parameters are those of torchaudio.transforms.MelSpectrogram under PowerShell names
(-FftSize is n_fft, -WindowLength win_length, -HopLength hop_length, -MelBins n_mels,
-MinFrequency f_min, -MaxFrequency f_max, -Power power, -MelScale mel_scale, -MelNorm norm; the
torchaudio names are aliases where they differ), and the values are the same to float32
precision. Frames are centred with reflect padding, so a clip of N samples gives
1 + floor(N / HopLength) frames. -Kind Mfcc follows torchaudio.transforms.MFCC (dB with top_db 80,
orthonormal DCT-II, -MfccCount coefficients).

The input is either files (-Path, -LiteralPath or FileInfo objects on the pipeline), decoded
straight to mono at -SampleRate, or AudioClip objects from Import-Audio, which are mixed down
and resampled to -SampleRate as needed and keep their label.

Clips are processed in parallel on all processor cores, in batches, and the spectrograms are
written in input order, one batch at a time. A file that cannot be read or a clip that fails is a
non-terminating error (GetSpectrogram.Failed) whose message names the file, and the others go on;
with -ErrorAction Stop the first one stops the pipeline. Parameter values that contradict each
other are terminating errors before any work, whatever the -Kind: -MaxFrequency above half of
-SampleRate, -MinFrequency not below -MaxFrequency, -WindowLength above -FftSize, or (for
-Kind Mfcc) -MfccCount above -MelBins.
Progress shows the number of clips done; Ctrl+C stops the batch in flight.
'@
        Parameters  = @{
            InputObject  = @'
AudioClip objects, normally from Import-Audio on the pipeline. Each is mixed down to mono and
resampled to -SampleRate when its rate differs; its Source and Label are copied to the
spectrogram.
'@
            Kind         = @'
What to compute:
- LogMel (default): ln(mel + LogOffset), MelBins rows.
- Mel: the mel spectrogram itself (power with -Power 2, magnitude with -Power 1), MelBins rows.
- Mfcc: MfccCount cepstral coefficients, as torchaudio.transforms.MFCC with log_mels=False.
- Power: |STFT|^Power, FftSize / 2 + 1 rows from 0 Hz to half the rate (torchaudio Spectrogram).

The mel settings do not apply to Power; LogOffset applies to LogMel only.
'@
            SampleRate   = @'
The rate, in Hz, at which the spectrogram is computed (16000 by default, 1000 to 384000). Files
and clips at other rates are resampled with torchaudio's default resampler first.
'@
            FftSize      = 'Length of the FFT (torchaudio n_fft), 16 to 65536; 1024 by default. The mel bank is built over its FftSize / 2 + 1 frequency bins.'
            WindowLength = @'
Length of the Hann window (torchaudio win_length), at most -FftSize. 0, the default, means the
FFT size; a shorter window is zero-padded on both sides to the FFT size, as torch.stft does.
'@
            HopLength    = 'Samples between the starts of successive frames (torchaudio hop_length); 160 by default, 10 ms at 16 kHz.'
            MelBins      = 'Number of mel bands (torchaudio n_mels), 1 to 1024; 64 by default. It is the number of rows of LogMel and Mel spectrograms.'
            MinFrequency = 'Lower edge of the mel filter bank in Hz (torchaudio f_min); 60 by default.'
            MaxFrequency = @'
Upper edge of the mel filter bank in Hz (torchaudio f_max); 7800 by default. 0 means half of
-SampleRate. A value above half of -SampleRate is an error, so with -SampleRate 8000 give
-MaxFrequency 4000 or 0.
'@
            Power        = 'Exponent applied to the magnitude of the STFT: 2 (default) for power, 1 for magnitude; 0.5 to 4.'
            MelScale     = 'The mel scale of the filter bank: Htk (default, as torchaudio) or Slaney (as librosa).'
            MelNorm      = 'Normalisation of the mel filters: None (default, as torchaudio) or Slaney, which divides each triangle by its bandwidth (constant energy per band, as librosa).'
            LogOffset    = @'
The constant added to the mel values before the natural logarithm of -Kind LogMel; the float32
machine epsilon (1.1920928955078125e-07, torch.finfo(torch.float32).eps) by default, as BYOL-A.
It keeps silence finite: digital silence gives ln(LogOffset), about -15.9. Not used by the other
kinds.
'@
            MfccCount    = 'Number of cepstral coefficients for -Kind Mfcc (torchaudio n_mfcc), at most -MelBins; 40 by default. Ignored by the other kinds.'
        }
        Defaults    = @{
            WindowLength = '0 (the FFT size)'
            LogOffset    = '1.1920928955078125E-07'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio; they bind to -InputObject.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Features.Spectrogram'
                Description = @'
One spectrogram per clip, in input order. Properties: Source, Name, Label, Kind (LogMel, Mel,
Mfcc or Power), Bins (rows),
Frames (columns), SampleRate, HopLength, Duration (Frames x HopLength / SampleRate) and Data, a
float[] of Bins x Frames values stored row by row: the value of bin b at frame t is
Data[b * Frames + t].
'@
            }
        )
        Notes       = @'
The values equal torchaudio's (transforms.Spectrogram, transforms.MelSpectrogram,
transforms.MFCC, and the resampler of functional.resample) to float32 precision; the module's tests compare them with references
computed by PyTorch.

Digital silence at the start or end of a clip is part of the spectrogram; trim it first (for
example with Import-Audio -Offset and -Duration) if it should not count.
'@
        Examples    = @(
            @{
                Title   = 'Log-mel spectrograms of a folder of files'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Get-ChildItem ./demo -Filter *.wav | Get-Spectrogram -LabelPattern '^(?<label>[a-z]+)_'
'@
                Remarks = @'
Computes a 64 x 101 log-mel spectrogram for each one-second clip: 64 mel bands, and
1 + 16000 / 160 = 101 frames.
'@
            }
            @{
                Title   = 'MFCCs with torchaudio-style settings'
                Code    = @'
$mfcc = Import-Audio ./demo/tone_000.wav | Get-Spectrogram -Kind Mfcc -MfccCount 13 -NMels 40 -NFft 512 -WinLength 400
"{0} coefficients x {1} frames; c0 at frame 50: {2}" -f $mfcc.Bins, $mfcc.Frames, $mfcc.Data[50]
'@
                Remarks = @'
The torchaudio names (-NMels, -NFft, -WinLength) are aliases of -MelBins, -FftSize and
-WindowLength. Data is stored row by row, so coefficient c at frame t is Data[c * Frames + t].
'@
            }
            @{
                Title   = 'A spectrogram at 8 kHz'
                Code    = @'
Get-Spectrogram -Path ./demo/chirp_000.wav -SampleRate 8000 -MaxFrequency 0 -HopLength 80 |
    Format-List Name, Kind, Bins, Frames, SampleRate, Duration
'@
                Remarks = @'
At 8 kHz the default upper edge of 7800 Hz is above the Nyquist frequency, so -MaxFrequency 0
asks for half the sample rate (4000 Hz). The file is resampled from 16 kHz while it is read.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Import-Audio', 'Get-AudioEmbedding')
    }

    'Get-AudioEmbedding' = @{
        Synopsis    = 'Computes one fixed-length embedding vector per audio file or clip (MelStats by default), ready for Invoke-AudioClustering.'
        Description = @'
Get-AudioEmbedding turns every clip into an AudioCluster.Encoders.AudioEmbedding: a vector of
floats that describes how the clip sounds, so that clips which sound alike get vectors close to
each other. Invoke-AudioClustering groups these vectors.

The encoder is chosen with -Encoder:

- MelStats (the default) needs no model weights: it mixes the clip down to mono, resamples it to
  16 kHz, computes the mel spectrogram with Get-Spectrogram's defaults (1024-point FFT, hop 160,
  64 HTK mel bands from 60 to 7800 Hz, power 2) and summarises it over time. The vector holds the
  mean and the standard deviation over all frames of the 64 log-mel bands, of 20 MFCCs
  (torchaudio's MFCC: dB with top_db 80, orthonormal DCT-II) and of their deltas (torchaudio's
  compute_deltas, window 5): 208 numbers, laid out as described under NOTES.
- ByolA is the BYOL-A network (AudioNTT2020, v1) run by libtorch: 16 kHz audio quantised to 16 bits
  and back, log-mel (64 bands, 60 to 7800 Hz, hop 160), normalised as (x - mean) / std, three
  convolution blocks, a per-frame MLP, then max plus mean over time. -ModelPath loads a PyTorch
  state dict, such as the authors' AudioNTT2020-BYOLA-64x96d512.pth (512 dimensions; the width is
  read from the file); without it the weights are random, drawn from -Seed, and the Encoder id
  says so. The embeddings match the authors' PyTorch model (cosine 0.9999 or more).
- Onnx runs any ONNX audio model given by -ModelPath with ONNX Runtime. A JSON file beside the
  model (model.onnx.json or model.json) declares how to feed it: the input kind (waveform or
  logMel), sample rate, log-mel parameters, normalisation, input and output names and pooling
  over time; without one the model gets the 16 kHz waveform on its first input and its first
  output is mean-pooled. See NOTES.

Every clip gives a vector of the same length whatever its duration. BYOL-A needs normalisation
statistics: give the mean and standard deviation with -NormalizationMean and
-NormalizationStd (for example those of a reference collection) and the embeddings stream as
usual; without them the statistics are computed from all the input clips, as the BYOL-A authors
do, which means that no embedding is written until every clip has been read (the log-mel
spectrograms are held in memory meanwhile, about 26 KB per second of audio). The verbose stream
shows the statistics found, to reuse them.

-Device Cuda or Auto runs a neural encoder on a CUDA GPU when one can be used and on the CPU
otherwise, with a verbose message that says which and why; the lack of a GPU or of CUDA libraries
is never an error. The module ships the CPU build of libtorch, so BYOL-A runs on the CPU.

The input is either files (-Path, -LiteralPath, or FileInfo objects on the pipeline), which is the
fastest way as each file is decoded straight to 16 kHz mono, or AudioClip objects from
Import-Audio, which keep their label. The Encoder property of each embedding names the encoder
and its settings, for example 'MelStats/v1 sr=16000 n_fft=1024 hop=160 mels=64 mfcc=20', or the
weights file with the start of its SHA-256 and the normalisation for BYOL-A, so that vectors from
different encoders are not mixed up.

Clips are encoded in parallel on all processor cores (one clip per core, each network with one
thread), in batches, and the embeddings are written in input order, one batch at a time: the
cmdlet streams. Clips of different lengths are never padded together, as padding would change
their embeddings. A file that cannot be read or a clip that
fails is a non-terminating error (GetAudioEmbedding.Failed) whose message names the file; the
others go on. With -ErrorAction Stop the first one stops the pipeline. Progress shows the number
of clips done; Ctrl+C stops the batch in flight and keeps the embeddings already written.
'@
        Parameters  = @{
            InputObject = @'
AudioClip objects, normally from Import-Audio on the pipeline. Each is mixed down to mono and
resampled to the encoder's rate (16 kHz for MelStats) when needed; its Source and Label are copied
to the embedding.
'@
            Encoder     = @'
The encoder that turns a clip into a vector. MelStats (the default): log-mel, MFCC and
delta-MFCC statistics, 208 dimensions at 16 kHz, no model weights needed. ByolA: the BYOL-A
network with the weights in -ModelPath, or random weights from -Seed. Onnx: the ONNX model in
-ModelPath, fed as its JSON sidecar declares.
'@
            ModelPath   = @'
The model file: a PyTorch state dict of AudioNTT2020 saved with torch.save (.pth) for -Encoder
ByolA, or an .onnx file for -Encoder Onnx (required there). Relative paths are resolved against
the current location. A file that cannot be read as such a model is a terminating error raised
before any clip is read. Not allowed with MelStats.
'@
            Device      = @'
Where a neural encoder runs: Cpu (the default), Cuda, or Auto. Cuda and Auto use the GPU when
CUDA can be started and fall back to the CPU otherwise, saying why in the verbose stream. MelStats
runs on the CPU only.
'@
            Pooling     = @'
For -Encoder Onnx: how an output of shape [batch, frames, dims] becomes one vector. Mean, Max,
MeanMax (maximum plus mean, summed) or None (the first frame, a transformer's class token).
Overrides the sidecar's "pooling"; an output of shape [batch, dims] is used as it is.
'@
            NormalizationMean = @'
The mean of the (x - mean) / std normalisation of the model input (for BYOL-A, of the log-mel
values in natural log units; the authors' FSDD statistics are -4.8306 and 5.2258). Give it
together with -NormalizationStd. For ByolA, without both the statistics are computed from all
the input clips and the output is written at the end; for Onnx they override the sidecar's
"normalization".
'@
            NormalizationStd = @'
The standard deviation of the normalisation (positive); see -NormalizationMean.
'@
            Seed        = @'
The seed of BYOL-A's random initial weights, used when -ModelPath is not given (0 when omitted):
the same seed gives the same network and the same embeddings. Not allowed with -ModelPath or
with the other encoders.
'@
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio; they bind to -InputObject.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Encoders.AudioEmbedding'
                Description = @'
One embedding per clip, in input order. Properties: Source, Name, Label, Encoder (the encoder id
with its settings), Vector (float[]) and Dimensions (the length of Vector: 208 for MelStats, 512
for the published BYOL-A weights, the model's output width for Onnx).
'@
            }
        )
        Notes       = @'
MelStats vector layout (208 floats, indices from 0):
  [0, 64)     log-mel mean: mean over frames of ln(mel + 1.19e-7), one per mel band
  [64, 128)   log-mel std: standard deviation of each log-mel band
  [128, 148)  MFCC mean: mean of each of the 20 MFCCs
  [148, 168)  MFCC std
  [168, 188)  delta-MFCC mean
  [188, 208)  delta-MFCC std

Standard deviations are population ones (divided by the number of frames), so a clip of a single
frame gives zeros there. All frames count, including leading and trailing silence.

BYOL-A needs at least 8 log-mel frames (1120 samples, 70 ms at 16 kHz); a shorter clip is a
non-terminating error. Its vector is the sum of the maximum and the mean over time of the
per-frame features.

ONNX sidecar (model.onnx.json), every field optional; this one is for EfficientAT's mn04_as
exported with a [batch, 1, 128, frames] input named logmel:
  { "input": "logMel", "sampleRate": 32000, "inputName": "logmel", "outputName": "embedding",
    "mel": { "nFft": 1024, "winLength": 800, "hopLength": 320, "nMels": 128, "fMin": 0,
             "fMax": 16000, "melScale": "kaldi", "periodicWindow": false,
             "preEmphasis": 0.97, "logOffset": 1e-5 },
    "normalization": { "mean": -4.5, "std": 5 }, "pooling": "mean" }
"input" is waveform (default) or logMel; a waveform goes in as [samples], [batch, samples] or
[batch, 1, samples] and a log-mel as [mels, frames], [batch, mels, frames] or
[batch, 1, mels, frames] ("framesFirst": true swaps the last two, as AST wants). Mel fields left
out take Get-Spectrogram's defaults. "int16RoundTrip": true quantises the audio to 16 bits first.
Unknown field names are errors, so a misspelt field does not pass unnoticed.

The numbers match torchaudio (MelSpectrogram, MFCC, compute_deltas and the resampler) to float32
precision; the module's tests compare them with references computed by PyTorch. The dimensions
have very different scales (log-mel statistics are a few units, the first MFCC is in the
hundreds), so cluster with -Standardize or -L2Normalize.
'@
        Examples    = @(
            @{
                Title   = 'Embed a folder of files directly'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Get-ChildItem ./demo -Filter *.wav | Get-AudioEmbedding -LabelPattern '^(?<label>[a-z]+)_'
'@
                Remarks = @'
Decodes each file at 16 kHz mono and writes one 208-dimensional MelStats embedding per file,
labelled from its name. Import-Audio is not needed when the files are used as they are.
'@
            }
            @{
                Title   = 'Embed the first half second of each clip'
                Code    = @'
Get-ChildItem ./demo -Filter *.wav |
    Import-Audio -LabelPattern '^(?<label>[a-z]+)_' -Duration 0.5 |
    Get-AudioEmbedding |
    Select-Object -First 3 Name, Label, Dimensions
'@
                Remarks = @'
Import-Audio crops the clips; Get-AudioEmbedding keeps the label each clip carries.
'@
            }
            @{
                Title   = 'Read parts of the vector and save embeddings to CSV'
                Code    = @'
$embeddings = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_'
$first = $embeddings[0].Vector
"log-mel mean of band 10: {0:N3}; MFCC 0 mean: {1:N3}" -f $first[10], $first[128]
$embeddings |
    Select-Object Name, Label, @{ Name = 'Vector'; Expression = { $_.Vector -join ' ' } } |
    Export-Csv -Path ./embeddings.csv -NoTypeInformation
'@
                Remarks = @'
Index 10 is the mean of log-mel band 10 and index 128 the mean of the first MFCC (see the vector
layout under NOTES). The CSV keeps each vector as one space-separated field, which
[float[]]($_.Vector -split ' ') turns back into numbers.
'@
            }
            @{
                Title   = 'BYOL-A embeddings with random weights, and with given statistics'
                Code    = @'
$random = Get-AudioEmbedding -Path ./demo -Encoder ByolA -Seed 1 -Verbose
$random[0].Encoder
Get-AudioEmbedding -Path ./demo -Encoder ByolA -Seed 1 -NormalizationMean -4.83 -NormalizationStd 5.23 |
    Select-Object -First 3 Name, Dimensions
'@
                Remarks = @'
Without -ModelPath the BYOL-A network has random weights drawn from -Seed (the Encoder id says
'random seed=1'). The first command computes the normalisation statistics from the clips and
writes the embeddings at the end (the verbose stream shows the statistics); the second streams
with the statistics given. With the authors' weights, add -ModelPath ./AudioNTT2020-BYOLA-64x96d512.pth.
'@
            }
            @{
                Title   = 'Any ONNX model, described by a sidecar file'
                Code    = @'
'{ "input": "waveform", "sampleRate": 16000, "outputName": "hidden_states", "pooling": "mean" }' |
    Set-Content ./wav2vec2.onnx.json
# Get-ChildItem ./demo -Filter *.wav | Get-AudioEmbedding -Encoder Onnx -ModelPath ./wav2vec2.onnx -Device Auto -Verbose
'@
                Remarks = @'
Writes the sidecar that tells the Onnx encoder to feed the 16 kHz waveform to a wav2vec 2.0
style model and average its hidden states over time; with the model file beside it, the
commented command embeds the clips (on the GPU where CUDA works, else on the CPU, as the verbose
stream says).
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering', 'Get-Spectrogram', 'Import-Audio')
    }

    'Invoke-AudioClustering' = @{
        Synopsis    = 'Groups embeddings (or any objects with a numeric Vector property) into clusters with k-means.'
        Description = @'
Invoke-AudioClustering reads vectors from the pipeline, groups them into -ClusterCount clusters
and writes one AudioCluster.Clustering.ClusterAssignment per input: which cluster it landed in
(0 to ClusterCount - 1) and how far it is from that cluster's centre. It takes AudioEmbedding
objects from Get-AudioEmbedding, or any object with a Vector property holding numbers (float[],
double[] or a list of numbers, for example from Import-Csv); Source is taken from a Source,
FullName, Path or Name property and Label from a Label property, so that Measure-ClusterQuality
can score the result.

The method is k-means (-Method KMeans, the default and only value), as scikit-learn's KMeans
runs it with algorithm='lloyd': k-means++ starts, -Restarts independent runs (n_init, 10 by
default) of which the one with the lowest inertia is kept, at most -MaxIterations Lloyd
iterations (300), convergence when the centres move less than -Tolerance (1e-4) times the mean
variance of the data, and empty clusters moved to the farthest points.

Embedding dimensions often have very different scales. -Standardize scales every dimension to
zero mean and unit variance first (as scikit-learn's StandardScaler); -L2Normalize scales every
vector to unit length, so that clustering follows the direction of the vectors (cosine
similarity). With both, standardisation comes first. The Vector of each output is the input
vector unchanged; Distance is measured in the scaled space.

The result is deterministic: the same vectors in the same order with the same parameters and
-Seed give the same clusters on every machine and with any number of cores. Change -Seed to try
other starting points.

The cmdlet collects all its input and clusters it when the input ends, so nothing is written
until then; the outputs follow the input order. An input without a usable vector, with a vector
of another length than the first input's, or with NaN or infinite values is a non-terminating
error (InvalidVector, DimensionMismatch, NonFiniteVector) and is left out. No valid input at all,
or a -ClusterCount larger than the number of inputs, is a terminating error. Progress shows
while k-means runs, and -Verbose reports the inertia, the iterations and the time taken. Ctrl+C
stops k-means and writes nothing.
'@
        Parameters  = @{
            InputObject   = @'
The objects to cluster, normally AudioEmbedding objects on the pipeline. Any object with a numeric
Vector property works; all vectors must have the same length.
'@
            Method        = 'The clustering method. KMeans (the default and, for now, the only value): Lloyd''s k-means with k-means++ starts, as scikit-learn.'
            ClusterCount  = @'
The number of clusters (k), at least 1 and at most the number of inputs. Required; it can be
given by position (Invoke-AudioClustering 4) or with its alias -K.
'@
            Restarts      = 'Independent k-means++ starts (scikit-learn n_init); the run with the lowest inertia is kept. 10 by default.'
            MaxIterations = 'Most Lloyd iterations per start (scikit-learn max_iter); 300 by default.'
            Tolerance     = @'
Convergence tolerance, relative to the data as in scikit-learn (tol): a run stops when the squared
movement of the centres falls below Tolerance times the mean variance of the dimensions.
1e-4 by default; 0 runs until the assignment no longer changes.
'@
            Seed          = @'
Seed of the random generator that picks the k-means++ starts; 0 by default. The same seed gives
the same result; the Method property of the output records it.
'@
            Standardize   = 'Scales every dimension to zero mean and unit (population) variance before clustering, as scikit-learn''s StandardScaler; dimensions that are constant become 0.'
            L2Normalize   = 'Scales every vector to unit Euclidean length before clustering (after -Standardize when both are given); all-zero vectors stay zero.'
        }
        Defaults    = @{
            Tolerance = '0.0001'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Vector property holding numbers, and optionally Source (or FullName, Path, Name) and Label properties.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Clustering.ClusterAssignment'
                Description = @'
One assignment per valid input, in input order. Properties: Source, Name, Label, Cluster (0-based),
Distance (Euclidean distance to the cluster centre, in the space after -Standardize and
-L2Normalize), Confidence (empty for k-means), Method (for example 'KMeans(k=4,seed=0)') and
Vector (the input vector).
'@
            }
        )
        Notes       = @'
Given the same starting centres, the clusters, centres and inertia equal scikit-learn 1.2's
KMeans(algorithm='lloyd'); the module's tests check this against references from scikit-learn.
The random generator is the module's own (xoshiro256**), so a -Seed does not pick the same starts
as the same random_state in scikit-learn; the quality of the result is the same.

Cluster numbers are arbitrary: two runs that find the same groups may number them differently.
Measure-ClusterQuality compares partitions, not numbers.
'@
        Examples    = @(
            @{
                Title   = 'Cluster a folder of sounds and score the result'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Get-ChildItem ./demo -Filter *.wav |
    Import-Audio -LabelPattern '^(?<label>[a-z]+)_' |
    Get-AudioEmbedding |
    Invoke-AudioClustering -ClusterCount 4 -L2Normalize -Seed 0 |
    Measure-ClusterQuality
'@
                Remarks = @'
The whole workflow: decode 40 labelled clips, embed them, group them into 4 clusters and
compare the clusters with the labels (NMI, ARI, accuracy ...). The labels play no part in the
clustering.
'@
            }
            @{
                Title   = 'List the files of each cluster'
                Code    = @'
$clusters = Get-AudioEmbedding -Path ./demo | Invoke-AudioClustering 4 -Standardize -Seed 1
$clusters | Group-Object Cluster |
    Select-Object @{ Name = 'Cluster'; Expression = { $_.Name } }, Count,
        @{ Name = 'Files'; Expression = { ($_.Group.Name | Select-Object -First 4) -join ', ' } }
'@
                Remarks = @'
Without labels, grouping the assignments by Cluster shows what ended up together. The cluster
count is given by position.
'@
            }
            @{
                Title   = 'Try several cluster counts'
                Code    = @'
$embeddings = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_'
2..6 | ForEach-Object {
    $quality = $embeddings | Invoke-AudioClustering -K $_ -L2Normalize | Measure-ClusterQuality
    [pscustomobject]@{ K = $_; NMI = $quality.NMI; ARI = $quality.ARI; Accuracy = $quality.Accuracy }
}
'@
                Remarks = @'
Embeds once and clusters the same vectors with k from 2 to 6. With 4 sound classes, k = 4 scores
best.
'@
            }
            @{
                Title   = 'Cluster any objects with a Vector property'
                Code    = @'
$points = @(
    [pscustomobject]@{ Name = 'a1'; Label = 'low';  Vector = 0.0, 0.1 }
    [pscustomobject]@{ Name = 'a2'; Label = 'low';  Vector = 0.2, 0.0 }
    [pscustomobject]@{ Name = 'b1'; Label = 'high'; Vector = 5.0, 5.1 }
    [pscustomobject]@{ Name = 'b2'; Label = 'high'; Vector = 5.2, 4.9 }
)
$points | Invoke-AudioClustering -ClusterCount 2 -Verbose | Format-Table Name, Label, Cluster, Distance
'@
                Remarks = @'
Vectors need not come from Get-AudioEmbedding: any object with a numeric Vector property can be
clustered (here two obvious groups of 2-dimensional points; Name stands in for Source). The
embeddings saved to CSV in Example 3 of Get-AudioEmbedding can be read back the same way, with
[float[]]($_.Vector -split ' '). -Verbose reports the inertia and the iterations.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Measure-ClusterQuality')
    }

    'Invoke-TemiTraining' = @{
        Synopsis    = 'Clusters embeddings with TEMI: teacher and student heads trained on pairs of nearest neighbours, with libtorch.'
        Description = @'
Invoke-TemiTraining trains TEMI (Adaloglou et al., "Exploring the Limits of Deep Image Clustering
using Pretrained Models", BMVC 2023) on the vectors from the pipeline and writes one
AudioCluster.Clustering.ClusterAssignment per input: the cluster (0 to ClusterCount - 1) and its
probability as Confidence. It takes AudioEmbedding objects from Get-AudioEmbedding, or any object
with a numeric Vector property, as Invoke-AudioClustering does; the encoder stays frozen and only
small clustering heads are trained.

The method, as the paper's code runs it:
- every input is paired with a partner drawn at random from its -Neighbors nearest neighbours by
  cosine similarity (exact neighbours, computed once with libtorch);
- -Heads heads are trained side by side. Each is a student and a teacher MLP: Linear(d, 512),
  GELU, Linear(512, 256), L2 normalisation and a weight-normalised Linear(256, ClusterCount)
  without bias. The teacher is an exponential moving average of the student (momentum 0.996);
- the loss of a head is -(pmi(x, x') + pmi(x', x)) / 2, where pmi(x, x') is the log of the sum over
  clusters of (q_student(c|x) q_teacher(c|x'))^0.6 divided by a running mean (momentum 0.9) of the
  teacher's cluster probabilities, with softmax temperature 0.1. Each pair is weighted by how
  much the teachers agree that x and x' share a cluster, averaged over the heads;
- AdamW with a peak learning rate of -LearningRate x batch / 256, weight decay 1e-4, linear
  warm-up over the first tenth of the steps and a cosine decay after it; batches of -BatchSize
  pairs, reshuffled every epoch;
- at the end, the head with the lowest mean loss over the last tenth of the steps is kept (no
  labels are used), and each input goes to the cluster its teacher finds most probable.

All heads are computed together as batched tensor operations, on the CPU or, with -Device Cuda or
Auto, on a CUDA GPU that libtorch can use (the module ships the CPU build of libtorch; without
a GPU the training runs on the CPU and -Verbose says so). On CPUs that multiply bfloat16 matrices
natively (AVX-512 BF16 or AMX) the two wide matrix products of the heads run in bfloat16 with
float32 weights and sums, several times faster; prediction is always float32.

Two settings differ from the paper's for audio, by measurement on spoken digits (FSDD): the
budget is counted in steps (-Steps, 2000 by default) instead of 100 epochs, because audio
collections are small and an epoch is only a few steps; and the teacher momentum stays at 0.996
(-MomentumSchedule Constant, as in the TEMI README's runs) instead of rising to 1 along a cosine,
which in runs of a few thousand steps freezes the teacher too early.

Small collections are handled: with fewer other inputs than -Neighbors, the partners come from
all of them; a batch larger than the collection is cut to it (each step then uses every input).
A -ClusterCount larger than the number of inputs, or fewer than 2 inputs, is a terminating error.
-Steps and -Epochs cannot be combined.

-ModelPath saves the kept head with its preprocessing (-Standardize, -L2Normalize) as a JSON file
(format AudioCluster.TemiModel), written to a temporary file and renamed, so
Invoke-AudioClustering -ModelPath can put new embeddings into the same clusters later. Progress
shows the step, the loss and the time left; -Verbose logs the loss twenty times during training
and then the chosen head, all heads' losses and the speed in steps per second. Ctrl+C stops
training at the next step; with -ModelPath the best head so far is saved before the cmdlet stops,
and nothing is written to the pipeline.

The same vectors in the same order with the same parameters and -Seed give the same clusters on
the same machine.
'@
        Parameters  = @{
            InputObject       = 'The objects to cluster, normally AudioEmbedding objects on the pipeline. Any object with a numeric Vector property works; all vectors must have the same length.'
            ClusterCount      = 'The number of clusters (K), at least 2 and at most the number of inputs. Required; it can be given by position or with its alias -K.'
            Heads             = 'How many heads to train side by side (1 to 256); the one with the lowest loss is kept. 16 by default, as in the paper. The work grows with the number of heads.'
            Neighbors         = 'Partners are drawn from this many nearest neighbours of each input (cosine similarity); 50 by default. Reduced to the number of inputs less one when there are fewer.'
            Steps             = 'Optimiser steps to train for; 2000 by default. Cannot be combined with -Epochs.'
            Epochs            = 'Trains for this many passes over the data instead of a number of steps. An epoch is the number of whole batches in the data (the last partial batch is dropped, as in the paper), at least one step.'
            BatchSize         = 'Input-partner pairs per step; 1024 by default, cut to the number of inputs when larger.'
            LearningRate      = 'Peak learning rate per 256 pairs of batch; the rate used is this times BatchSize / 256. 1e-4 by default, as in the paper.'
            MomentumSchedule  = 'How the teacher follows the student. Constant (the default) keeps the EMA momentum at 0.996; Cosine raises it from 0.996 to 1 along a half cosine over the training, as the paper''s code does by default.'
            Seed              = 'Seed of every random step: the initial weights, the shuffling and the partner draws; 0 by default. The same seed gives the same clusters on the same machine.'
            Device            = 'Where to train: Cpu (the default), Cuda, or Auto (CUDA when libtorch has a GPU, else the CPU). Without a usable GPU, Cuda and Auto run on the CPU with a verbose note.'
            ModelPath         = 'Saves the kept head and the preprocessing to this file (JSON), for Invoke-AudioClustering -ModelPath to assign new vectors. An existing file is only replaced with -Force.'
            Force             = 'Overwrites the -ModelPath file when it exists.'
            Standardize       = 'Scales every dimension to zero mean and unit variance before training (the scaling is saved with the model).'
            L2Normalize       = 'Scales every vector to unit length before training (after -Standardize when both are given).'
        }
        Defaults    = @{
            LearningRate = '0.0001'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Vector property holding numbers, and optionally Source (or FullName, Path, Name) and Label properties.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Clustering.ClusterAssignment'
                Description = @'
One assignment per valid input, in input order, keeping the input's other properties. Cluster is
the teacher's most probable cluster, Confidence its probability, Distance is NaN (there are no
centres), and Method records the settings and the kept head, for example
'TEMI(k=4, heads=4, head=2, steps=100, seed=0)'.
'@
            }
        )
        Notes       = @'
TEMI is a deep clustering method for frozen embeddings: it learns how to split what the encoder
already separates. With embeddings that group sounds by speaker rather than by word, it finds
speakers. Compare it with Invoke-AudioClustering on the same embeddings; scripts/bench/
Measure-DeepClustering.ps1 in the source repository does that on a labelled folder.

Training time grows with the number of inputs that fit a batch, the vector width, the number of
heads and the steps; -Heads 1 is the quickest way to try settings.
'@
        Examples    = @(
            @{
                Title   = 'Train on embeddings of a folder and score the clusters'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$embeddings = Get-ChildItem ./demo -Filter *.wav | Get-AudioEmbedding -LabelPattern '^(?<label>[a-z]+)_'
$embeddings | Invoke-TemiTraining -ClusterCount 4 -Heads 4 -Steps 100 -Standardize -Seed 0 | Measure-ClusterQuality
'@
                Remarks = @'
Embeds 40 labelled clips once, trains four TEMI heads for 100 steps on the standardised vectors
and compares the clusters with the labels. The labels play no part in the training.
'@
            }
            @{
                Title   = 'Save the model and assign new recordings later'
                Code    = @'
$embeddings | Invoke-TemiTraining 4 -Heads 4 -Steps 100 -Standardize -ModelPath ./temi.json -Force | Out-Null
New-SyntheticAudioSet -Path ./new -ClassCount 4 -PerClass 3 -Seed 9 | Out-Null
Get-AudioEmbedding -Path ./new | Invoke-AudioClustering -ModelPath ./temi.json | Format-Table Name, Cluster, Confidence
'@
                Remarks = @'
-ModelPath keeps the chosen head and the standardisation learnt from the training vectors;
Invoke-AudioClustering -ModelPath puts other recordings into the same clusters without training.
'@
            }
            @{
                Title   = 'Watch the training'
                Code    = @'
$embeddings | Invoke-TemiTraining -ClusterCount 4 -Heads 2 -Steps 40 -L2Normalize -Verbose 4>&1 |
    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
'@
                Remarks = @'
The verbose stream shows the settings that ran, the loss as training goes on, the head kept with
every head's loss, and the speed.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering', 'Get-AudioEmbedding', 'Measure-ClusterQuality')
    }

    'Measure-ClusterQuality' = @{
        Synopsis    = 'Scores clusters against known labels: NMI, ARI, AMI, Hungarian accuracy, purity, V-measure and more, as scikit-learn computes them.'
        Description = @'
Measure-ClusterQuality compares a clustering with the true classes and writes one
AudioCluster.Metrics.ClusterQuality object. It reads the true class of each input from its Label
property and the cluster from its Cluster property (-LabelProperty and -ClusterProperty name
others), so it takes ClusterAssignment objects from Invoke-AudioClustering as well as any other
objects, for example rows from Import-Csv. Values are compared as text, and only the partition
matters: renaming clusters or classes changes nothing.

The metrics are those of scikit-learn, with natural logarithms: NMI
(normalized_mutual_info_score, averaged as -NmiAverage says, arithmetic by default as in
scikit-learn), ARI (adjusted_rand_score), AMI (adjusted_mutual_info_score, arithmetic average),
Homogeneity, Completeness and VMeasure, RandIndex (rand_score), FowlkesMallows, the mutual
information and both entropies in nats. Accuracy is the fraction of inputs that are right after
the best one-to-one matching of clusters to classes (Hungarian algorithm; it works when the
numbers of clusters and classes differ), and Purity the fraction that belong to the majority
class of their cluster. Cluster -1 is treated as noise, as density-based methods write it: it is
not counted in Clusters, and AccuracyNoiseAsWrong counts its members as wrong.

With -ConfusionMatrix the cmdlet also writes the contingency table after the ClusterQuality
object: one row per class, with a Label property and one property per cluster holding the
number of inputs of that class in that cluster. Numeric ids sort by value.

The cmdlet collects its input and measures when the input ends. An input without the cluster
property is a non-terminating error (NoCluster) and is left out. Inputs without a label are left
out with one warning that counts them. When no input has both a label and a cluster, the cmdlet
stops with a terminating error (NoLabelledInput): import the audio with -LabelPattern or
-LabelFromDirectory to give it labels.
'@
        Parameters  = @{
            InputObject     = 'The objects to score, normally ClusterAssignment objects from Invoke-AudioClustering on the pipeline. Each needs the properties named by -LabelProperty and -ClusterProperty.'
            LabelProperty   = 'The property that holds the true class of each input; Label by default. Inputs where it is missing or empty are left out of the measure.'
            ClusterProperty = 'The property that holds the cluster of each input; Cluster by default. An input without it is a non-terminating error.'
            NmiAverage      = @'
How NMI normalises the mutual information: Arithmetic (default, scikit-learn's default),
Geometric, Min or Max mean of the two entropies, as average_method in scikit-learn. AMI always
uses the arithmetic mean.
'@
            ConfusionMatrix = 'Also writes the contingency table, one object per class (a Label property and one property per cluster), after the ClusterQuality object.'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Clustering.ClusterAssignment'; Description = 'Assignments from Invoke-AudioClustering.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a label property and a cluster property.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Metrics.ClusterQuality'
                Description = @'
The scores: NMI, NmiAverage, ARI, AMI, Accuracy, AccuracyNoiseAsWrong, Purity, Homogeneity,
Completeness, VMeasure, RandIndex, FowlkesMallows, MutualInformation, LabelEntropy,
ClusterEntropy, N (inputs measured), Clusters, Classes and NoisePoints. The default view is a
table of NMI, ARI, AMI, Accuracy, Purity, VMeasure, N, Clusters and Classes; Format-List *
shows everything.
'@
            }
            @{
                Type        = 'System.Management.Automation.PSObject'
                Description = 'With -ConfusionMatrix, one row of the contingency table per class (type name AudioCluster.ConfusionRow), after the ClusterQuality object.'
            }
        )
        Notes       = @'
The values match scikit-learn 1.2 (sklearn.metrics) to floating-point precision; the module's
tests compare them with references computed by scikit-learn. NMI is scikit-learn's
normalized_mutual_info_score with its default average_method='arithmetic' unless -NmiAverage
says otherwise.

Clustering never sees the labels: they only serve this measure.
'@
        Examples    = @(
            @{
                Title   = 'Score a clustering of labelled clips'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$clusters = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ClusterCount 4 -L2Normalize
$clusters | Measure-ClusterQuality
'@
                Remarks = @'
Shows NMI, ARI, AMI, accuracy, purity and V-measure for the 40 clips, with the numbers of
inputs, clusters and classes.
'@
            }
            @{
                Title   = 'See which classes ended up in which clusters'
                Code    = @'
$clusters | Measure-ClusterQuality -ConfusionMatrix | Select-Object -Skip 1 | Format-Table
'@
                Remarks = @'
Skips the ClusterQuality object and shows the contingency table: one row per label, one column
per cluster (0 to 3), each cell the number of clips. Uses $clusters from Example 1.
'@
            }
            @{
                Title   = 'Score any objects, with other property names'
                Code    = @'
$rows = @(
    [pscustomobject]@{ Truth = 'dog'; Group = 1 }
    [pscustomobject]@{ Truth = 'dog'; Group = 1 }
    [pscustomobject]@{ Truth = 'cat'; Group = 2 }
    [pscustomobject]@{ Truth = 'cat'; Group = 1 }
)
$rows | Measure-ClusterQuality -LabelProperty Truth -ClusterProperty Group -NmiAverage Geometric |
    Format-List NMI, NmiAverage, ARI, Accuracy, Purity
'@
                Remarks = @'
The true classes are in Truth and the clusters in Group. NMI is normalised by the geometric mean
of the entropies; Accuracy is 0.75 (three of four right after matching).
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering')
    }

    'New-SyntheticAudioSet' = @{
        Synopsis    = 'Writes a labelled set of synthetic WAV files of distinct sound classes, for trying the module without downloading data.'
        Description = @'
New-SyntheticAudioSet writes -PerClass clips of each of the first -ClassCount sound classes into
the folder -Path. The classes, in order, are tone, chirp, noise, clicks, harmonic, am, drone,
pluck, bell and rumble, so at most 10 can be asked for. Each file is a 16-bit PCM mono WAV of
-Duration seconds at -SampleRate, named <class>_<number>.wav with a three-digit number from 000
(tone_000.wav, tone_001.wav ...), so -LabelPattern '^(?<label>[a-z]+)_' labels it when imported.

Every clip varies its pitch, level, onset, length and envelope and carries a little background
noise: the classes separate well, but not trivially, which makes the set a quick check of the
whole pipeline and of clustering settings.

The files depend only on the parameters: the same -Seed gives byte-identical files on every
machine, and a different seed gives other clips of the same classes. Each file is written to a
temporary name and renamed, so a file of the same name is replaced whole; other files in the
folder are left alone. The folder is created when it does not exist.

The cmdlet writes the FileInfo of every file once all are written, in class then number order;
pipe to Out-Null to discard them. It supports -WhatIf and -Confirm, with one confirmation for
the whole set. Progress shows the files written out of the total, with the time remaining, and
Ctrl+C stops after the file being written (the files already written stay).

Asking for more than 10 classes is a terminating error (InvalidParameter.ClassCount) raised before
anything is written. Other values beyond what the generator can make (more than 999 clips per
class, a sample rate below 4000 Hz, a duration outside 0.1 to 600 seconds) and a folder that
cannot be written are terminating errors too (SyntheticSetFailed).
'@
        Parameters  = @{
            Path       = @'
The folder to write into; created when it does not exist. A relative path is relative to the
current location. Wildcards are not expanded.
'@
            ClassCount = 'How many sound classes to write, 1 to 10, taken in the order tone, chirp, noise, clicks, harmonic, am, drone, pluck, bell, rumble; 5 by default.'
            PerClass   = 'How many clips to write per class, 1 to 999; 20 by default.'
            Seed       = 'Seed of the generator; 0 by default. The same seed gives byte-identical files.'
            SampleRate = 'Sample rate of the files in Hz, 4000 to 384000; 16000 by default.'
            Duration   = 'Length of every clip in seconds, 0.1 to 600; 1 by default.'
        }
        Inputs      = @(
            @{ Type = 'None'; Description = 'The cmdlet takes no pipeline input.' }
        )
        Outputs     = @(
            @{ Type = 'System.IO.FileInfo'; Description = 'One FileInfo per file written, in class then number order.' }
        )
        Notes       = @'
The set exists to try the module and its settings without downloading a dataset; real
recordings are harder to cluster. The file names match the -LabelPattern of the examples:
'^(?<label>[a-z]+)_'.
'@
        Examples    = @(
            @{
                Title   = 'Write a small demo set'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10
'@
                Remarks = @'
Writes 40 one-second files at 16 kHz, tone_000.wav to clicks_009.wav, and lists them.
'@
            }
            @{
                Title   = 'See what would be written'
                Code    = @'
New-SyntheticAudioSet -Path ./big -ClassCount 10 -PerClass 200 -WhatIf
'@
                Remarks = @'
Reports that 2000 WAV files (10 classes x 200) would be written to the folder, and writes
nothing.
'@
            }
            @{
                Title   = 'Longer clips at 22.05 kHz with another seed'
                Code    = @'
New-SyntheticAudioSet -Path ./demo22k -ClassCount 6 -PerClass 5 -SampleRate 22050 -Duration 2 -Seed 42 |
    Measure-Object -Property Length -Sum
'@
                Remarks = @'
Writes 30 two-second files and adds up their sizes (44 bytes of header and 88200 bytes of samples
each).
'@
            }
            @{
                Title   = 'The same seed gives the same files'
                Code    = @'
$first = New-SyntheticAudioSet -Path ./set1 -ClassCount 2 -PerClass 3 -Seed 7 | Get-FileHash
$second = New-SyntheticAudioSet -Path ./set2 -ClassCount 2 -PerClass 3 -Seed 7 | Get-FileHash
Compare-Object $first.Hash $second.Hash
'@
                Remarks = @'
Compare-Object prints nothing: the two sets are byte-identical.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Import-Audio')
    }

    'Get-AudioClusterEnvironment' = @{
        Synopsis    = 'Reports what this machine offers AudioCluster: the .NET runtime, libtorch and CUDA, ONNX Runtime, ffmpeg and the processor count.'
        Description = @'
Get-AudioClusterEnvironment loads the native libraries that ship in the module folder and writes
one AudioCluster.Runtime.EnvironmentReport: the module and .NET versions; whether libtorch loads
(through TorchSharp), its version and path, its thread count, whether CUDA is available and how
many devices it sees, and the result of a small forward pass through a network (TorchForwardCheck)
as proof that libtorch computes here; whether ONNX Runtime loads, its version and path, the
execution providers that can start and those compiled in that cannot, each with the reason; the
ffmpeg executable used for FLAC, M4A, Opus and the other formats not built in (from
AUDIOCLUSTER_FFMPEG or PATH; empty when there is none); and the number of processor cores the
parallel cmdlets use.

Use it when something does not work, and include its output (Format-List *) in a bug report.
Decoding, spectrograms, MelStats embeddings, k-means and the metrics are managed code and need
neither libtorch nor ONNX Runtime; those libraries serve neural encoders.

A library that fails to load is not an error of this cmdlet: the report says why in TorchError or
OnnxError and the cmdlet writes a warning. The first call can take a few seconds while the
libraries load. The cmdlet takes no input and no parameters other than the common ones.
'@
        Parameters  = @{}
        Inputs      = @(
            @{ Type = 'None'; Description = 'The cmdlet takes no pipeline input.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Runtime.EnvironmentReport'
                Description = @'
Properties: ModuleVersion, Runtime, TorchLoaded, TorchVersion, TorchSharpVersion,
TorchLibraryPath, TorchThreads, CudaAvailable, CudaDevices, TorchForwardCheck, TorchError,
OnnxRuntimeLoaded, OnnxRuntimeVersion, OnnxRuntimeLibraryPath, OnnxExecutionProviders,
OnnxUnavailableProviders, OnnxError, FfmpegPath and ProcessorCount. The default view is a list
of all of them.
'@
            }
        )
        Notes       = @'
AUDIOCLUSTER_FFMPEG set to the path of an ffmpeg executable makes the module use that one;
set to 'none' it makes the module act as if ffmpeg were not installed. The variable is read on
every use, so changing it in the session takes effect at once.
'@
        Examples    = @(
            @{
                Title   = 'Show the environment'
                Code    = @'
Get-AudioClusterEnvironment
'@
                Remarks = @'
Lists versions, library paths, CUDA devices, ONNX Runtime execution providers, the ffmpeg path
and the processor count.
'@
            }
            @{
                Title   = 'Check for a GPU'
                Code    = @'
Get-AudioClusterEnvironment | Select-Object TorchLoaded, CudaAvailable, CudaDevices, OnnxExecutionProviders
'@
                Remarks = @'
CudaAvailable is True and OnnxExecutionProviders includes CUDAExecutionProvider only where an
NVIDIA driver and GPU are present.
'@
            }
            @{
                Title   = 'See the effect of AUDIOCLUSTER_FFMPEG'
                Code    = @'
$env:AUDIOCLUSTER_FFMPEG = 'none'
(Get-AudioClusterEnvironment).FfmpegPath
Remove-Item Env:AUDIOCLUSTER_FFMPEG
(Get-AudioClusterEnvironment).FfmpegPath
'@
                Remarks = @'
With the variable set to 'none' no ffmpeg is used (the path is empty, and FLAC or M4A files give
errors that say so); without it, ffmpeg is looked up on PATH.
'@
            }
            @{
                Title   = 'Save the report for a bug report'
                Code    = @'
Get-AudioClusterEnvironment | Format-List * | Out-File -FilePath ./audiocluster-environment.txt
'@
                Remarks = @'
Writes every property to a text file to attach to the report.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Import-Audio')
    }
}
