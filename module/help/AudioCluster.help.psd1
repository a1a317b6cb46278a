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
        AppliesTo  = @('Import-Audio', 'Get-Spectrogram', 'Get-AudioEmbedding', 'Get-AudioTag', 'Invoke-ByolaTraining', 'Invoke-DeepClusterTraining')
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
precision: for power-of-two -FftSize the STFT runs in float32 as torch.stft does, so even nearly
empty bands carry the same roundoff (log-mel within 4.2e-4 of torchaudio on the FSDD references).
Frames are centred with reflect padding, so a clip of N samples gives
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
- EfficientAT is EfficientAT's MobileNetV3 (Schmid, Koutini and Widmer, 2023; trained on AudioSet
  by distillation from PaSST transformers) run by libtorch, with the authors' PyTorch state dict in
  -ModelPath (required), such as mn04_as_mAP_432.pt (MIT licence; 384 dimensions). Its input is the
  authors' front end: 32 kHz, pre-emphasis, a 128-band Kaldi log-mel from 0 to 16 kHz (1024-point
  FFT, 800-sample window, hop 320), ln(mel + 1e-5), then (x + 4.5) / 5; the vector is the mean over
  frequency and time of the last feature map, the input of the network's classifier. The
  embeddings match the authors' PyTorch model (relative difference below 1e-4) and its ONNX export
  run with -Encoder Onnx. Get-AudioTag gives the same network's AudioSet tags.
- Onnx runs any ONNX audio model given by -ModelPath with ONNX Runtime. A JSON file beside the
  model (model.onnx.json or model.json) declares how to feed it: the input kind (waveform or
  logMel), sample rate, log-mel parameters, normalisation, input and output names and pooling
  over time; without one the model gets the 16 kHz waveform on its first input and its first
  output is mean-pooled. See NOTES.

Every clip gives a vector of the same length whatever its duration. BYOL-A needs normalisation
statistics: give the mean and standard deviation with -NormalizationMean and
-NormalizationStd (for example those of a reference collection) and the embeddings stream as
usual. An encoder this module trained (Invoke-ByolaTraining, Invoke-DeepClusterTraining, SPICE
stage 3) keeps the statistics it was trained with beside its weights, as NAME.pth.json with the
weights' hash; -ModelPath NAME.pth then uses them without being told, and says so in the verbose
stream (a NAME.pth.json written for other weights is refused, naming the file). Otherwise the
statistics are computed from all the input clips, as the BYOL-A authors do, which means that no embedding is written until every clip has been read (the log-mel
spectrograms are held in memory meanwhile, about 26 KB per second of audio). The verbose stream
shows the statistics found, to reuse them.

-Device Cuda or Auto runs a neural encoder on a CUDA GPU when one can be used and on the CPU
otherwise, with a verbose message that says which and why; the lack of a GPU or of CUDA libraries
is never an error. The module ships the CPU build of libtorch, so BYOL-A and EfficientAT run on
the CPU.

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

-CachePath keeps the vectors in an SQLite database file, keyed by the SHA-256 of each file's bytes
(of the decoded samples, for AudioClip objects) and by the encoder id, which names the weights
(with their hash) and every setting that changes the output. A file whose content and encoder
were seen before is not decoded at all: a second run over the same folder computes nothing new
(on the 3000 FSDD recordings it is over 20 times faster than the first). A changed file, or
another encoder, weights file or setting, is computed again and stored beside the old entries.
Each vector is stored with a checksum of its key and bytes; a cache file that is damaged, not an
SQLite database, another program's database, or locked by a writer for more than 30 seconds is a
terminating error naming the file, never a source of wrong vectors. Several sessions can use one
cache at once (readers never wait; writers take turns). The verbose stream reports how many
vectors were found and how many computed. For ByolA without given statistics the cache also keeps
each clip's share of the statistics (the sum and sum of squares of its log-mel), so a second run
gets the same statistics, bit for bit, and the same vectors without decoding the clips again.
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
network with the weights in -ModelPath, or random weights from -Seed. EfficientAT: EfficientAT's
MobileNetV3 with the authors' weights in -ModelPath (384 dimensions for mn04, at 32 kHz). Onnx:
the ONNX model in -ModelPath, fed as its JSON sidecar declares.
'@
            ModelPath   = @'
The model file: a PyTorch state dict of AudioNTT2020 saved with torch.save (.pth) for -Encoder
ByolA, the authors' state dict (.pt, such as mn04_as_mAP_432.pt, or another mn width) for -Encoder
EfficientAT (required there), or an .onnx file for -Encoder Onnx (required there; EfficientAT's
ONNX export runs this way). Relative paths are resolved against
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
together with -NormalizationStd. For ByolA, without both the statistics saved beside the weights
(NAME.pth.json, written by this module's trainings) apply, or else they are computed from all
the input clips and the output is written at the end; for Onnx they override the sidecar's
"normalization".
'@
            NormalizationStd = @'
The standard deviation of the normalisation (positive); see -NormalizationMean.
'@
            CachePath   = @'
An SQLite file that keeps the embeddings between runs, created when missing (with its folder).
Vectors are looked up by the SHA-256 of the audio and the encoder id; what is not found is
computed and stored. The file only holds computed vectors: deleting it loses nothing but time.
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
for the published BYOL-A weights, 384 for EfficientAT mn04, the model's output width for Onnx).
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
                Title   = 'EfficientAT embeddings (needs the weights file)'
                Code    = @'
$model = './mn04_as_mAP_432.pt'   # EfficientAT's published weights: put the file here
if (Test-Path $model) {
    Get-AudioEmbedding -Path ./demo -Encoder EfficientAT -ModelPath $model -LabelPattern '^(?<label>[a-z]+)_' |
        Invoke-AudioClustering -ClusterCount 4 -L2Normalize |
        Measure-ClusterQuality
}
'@
                Remarks = @'
Embeds the clips with EfficientAT mn04 (384 dimensions), clusters and scores them. The commands
run only where $model names the weights file (mn04_as_mAP_432.pt from the EfficientAT releases);
without it the example does nothing.
'@
            }
            @{
                Title   = 'Cache the embeddings so that a second run computes nothing'
                Code    = @'
Get-AudioEmbedding -Path ./demo -CachePath ./embeddings.db | Out-Null
Get-AudioEmbedding -Path ./demo -CachePath ./embeddings.db -Verbose | Select-Object -First 3 Name, Dimensions
'@
                Remarks = @'
The first run computes the 40 vectors and stores them; the second finds every one in
embeddings.db without decoding a file, and the verbose stream says "40 found, 0 computed and
stored". A changed file is computed again.
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

    'Get-AudioTag' = @{
        Synopsis    = 'Names what each clip sounds like: its most probable AudioSet classes with their probabilities, by EfficientAT.'
        Description = @'
Get-AudioTag runs the EfficientAT audio tagger (Schmid, Koutini and Widmer, 2023: a MobileNetV3
trained on AudioSet by distillation from PaSST transformers) over every clip and writes one
AudioCluster.Encoders.AudioTags object per clip: the -Count most probable of the model's classes
(the 527 AudioSet classes for the published weights, from "Speech" and "Music" to "Dog" and
"Engine"), most probable first, with the probability the model gives each one. Run it over the
members of a cluster to hear the cluster in words.

-ModelPath is the model: the authors' PyTorch state dict, such as mn04_as_mAP_432.pt, run by
libtorch (the same network as Get-AudioEmbedding -Encoder EfficientAT), or EfficientAT's export to
ONNX (a .onnx file with a "logits" output, such as mn04_as_embed.onnx), run by ONNX Runtime and fed
as its JSON sidecar says, or with EfficientAT's front end when it has none. The class names come
from -LabelsPath, a CSV laid out as AudioSet's class_labels_indices.csv (columns index, mid and
display_name, one row per class in output order); by default the file of that name beside the
model.

Each clip is mixed down to mono and resampled to 32 kHz, turned into the authors' log-mel (128
Kaldi bands, 0 to 16 kHz, hop 10 ms) and run whole through the network; the probabilities are
the sigmoid of its logits, so they do not add up to 1: a clip can be both "Speech" and "Inside,
small room". The model was trained on 10-second AudioSet clips; short clips work, with less
certain tags.

Clips are tagged in parallel on all processor cores, in batches, and written in input order: the
cmdlet streams like Get-AudioEmbedding and takes the same inputs (paths, FileInfo objects or
AudioClip objects from Import-Audio, with -LabelPattern, -LabelFromDirectory and -Recurse for
files). A file that cannot be read is a non-terminating error (GetAudioTag.Failed) naming the
file; a missing model or labels file, or a model that is not EfficientAT, is a terminating error
raised before any clip is read.
'@
        Parameters  = @{
            InputObject = @'
AudioClip objects, normally from Import-Audio on the pipeline. Each is mixed down to mono and
resampled to 32 kHz; its Source and Label are copied to the result.
'@
            ModelPath   = @'
The EfficientAT model: the authors' PyTorch state dict (.pt, such as mn04_as_mAP_432.pt, or another
mn width with the MLP head), or an ONNX export with a "logits" output (.onnx). Required. Relative
paths are resolved against the current location.
'@
            LabelsPath  = @'
The CSV file of class names, laid out as AudioSet's class_labels_indices.csv (header
index,mid,display_name; names may be quoted). By default class_labels_indices.csv in the folder
of -ModelPath. Its number of rows must equal the model's number of classes.
'@
            Count       = @'
How many tags to write per clip, most probable first; 5 by default. A value above the number of
classes gives every class.
'@
            Device      = @'
Where the model runs: Cpu (the default), Cuda, or Auto. Cuda and Auto use the GPU when CUDA can be
started and fall back to the CPU otherwise, saying why in the verbose stream.
'@
        }
        Defaults    = @{
            LabelsPath = 'class_labels_indices.csv beside the model'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio; they bind to -InputObject.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Encoders.AudioTags'
                Description = @'
One object per clip, in input order. Properties: Source, Name, Label, Model (the model file with
the start of its SHA-256), Tags (an array of AudioCluster.Encoders.AudioTag, each with Name,
Index (the class's row in the labels file) and Probability, most probable first) and TopTag (the
first of them). The default view is a table of Name, Label, the top tag and its probability, and
the other tags.
'@
            }
        )
        Notes       = @'
The weights are not part of the module. mn04_as_mAP_432.pt (about 4 MB, MIT licence) is published
with EfficientAT (github.com/fschmid56/EfficientAT, releases); class_labels_indices.csv comes with
AudioSet. With the state dict, the probabilities match the authors' PyTorch model to 1e-5 and the
ONNX export to the same precision.

The examples run the model only where $model names the weights file; without it they do nothing.
'@
        Examples    = @(
            @{
                Title   = 'Tag a folder of clips (needs the weights file)'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 3 | Out-Null
$model = './mn04_as_mAP_432.pt'   # EfficientAT's weights, with class_labels_indices.csv beside them
if (Test-Path $model) {
    Get-AudioTag -Path ./demo -ModelPath $model -LabelPattern '^(?<label>[a-z]+)_'
}
'@
                Remarks = @'
Shows, for each of the 12 clips, its label, its most probable AudioSet class with the probability,
and the next four. Runs only where the weights file is in the current folder.
'@
            }
            @{
                Title   = 'Describe clusters in words'
                Code    = @'
if (Test-Path $model) {
    $clusters = Get-AudioEmbedding -Path ./demo -Encoder EfficientAT -ModelPath $model |
        Invoke-AudioClustering -ClusterCount 4 -L2Normalize
    $tags = Get-AudioTag -Path ./demo -ModelPath $model -Count 1
    0..($tags.Count - 1) |
        ForEach-Object { [pscustomobject]@{ Cluster = $clusters[$_].Cluster; Tag = $tags[$_].TopTag.Name } } |
        Group-Object Cluster, Tag -NoElement
}
'@
                Remarks = @'
Clusters the EfficientAT embeddings, tags the same clips (both keep the input order) and counts
the top tags in each cluster. Uses $model and ./demo from Example 1.
'@
            }
            @{
                Title   = 'The ONNX export, with the labels file elsewhere, on the GPU where there is one'
                Code    = @'
$onnx = './mn04_as_embed.onnx'   # EfficientAT exported to ONNX, with a logits output
if (Test-Path $onnx) {
    Get-AudioTag -Path ./demo -ModelPath $onnx -LabelsPath ./audioset/class_labels_indices.csv -Count 3 -Device Auto -Verbose |
        Format-List Name, Tags
}
'@
                Remarks = @'
Runs the exported network with ONNX Runtime (CUDA when it starts, else the CPU, as the verbose
stream says) and lists three tags per clip. Runs only where the ONNX file is in the current
folder.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Invoke-AudioClustering')
    }

    'Compress-AudioEmbedding' = @{
        Synopsis    = 'Reduces embeddings (or any vectors) to fewer dimensions with PCA, t-SNE or UMAP, keeping Source, Label and the inputs'' other properties.'
        Description = @'
Compress-AudioEmbedding reads vectors from the pipeline and writes one
AudioCluster.Encoders.AudioEmbedding per input with a shorter Vector. It takes AudioEmbedding
objects from Get-AudioEmbedding, or any object with a numeric Vector property (float[], double[]
or a list of numbers). Source and Label are kept, and so are the other properties of objects that
are not embeddings. The Encoder property records the step: the input's encoder id followed by,
for example, ' | PCA(16)' or ' | t-SNE(2, perplexity=30)' ('vectors | PCA(16)' for other
objects), so reduced vectors are not mixed up with others.

-Method chooses the reduction:
- Pca (default): principal component analysis, a linear projection onto the directions of largest variance. Fast, and the right step before clustering: it removes noise and redundant dimensions while keeping distances meaningful. -Dimensions keeps a fixed number of components (32 by default, at most the number of inputs or of input dimensions), -Variance the fewest that explain a share of the variance; -Whiten scales every component to unit variance. The projection can be saved with -SaveModel and applied to other embeddings with -ModelPath.
- Tsne: t-distributed stochastic neighbour embedding, a non-linear map (2-d by default) that keeps neighbours together. Meant for looking at the data: the sizes of the groups and the distances between them on the map mean little. -Perplexity is the effective number of neighbours and must be less than the number of inputs.
- Umap: uniform manifold approximation and projection, a non-linear map (2-d by default) that keeps neighbours together and more of the global layout than t-SNE. -Neighbors sets the size of the neighbourhood, -MinDistance how tightly points may pack, -Metric the input distance.

-Standardize scales every input dimension to zero mean and unit variance first, and -L2Normalize
scales every vector to unit length (after -Standardize when both are given). PCA centres the data
itself but does not scale it, so without -Standardize the dimensions with the largest values
dominate.

The cmdlet collects all its input and reduces it when the input ends; the outputs follow the
input order. The result is deterministic: the same input with the same parameters and -Seed
gives the same vectors on every machine. An input without a usable vector, of another length
than the first, or with NaN or infinite values is a non-terminating error and is left out.
Parameters that do not fit together (-Variance, -Whiten or -SaveModel with t-SNE or UMAP,
-Dimensions with -Variance, -Standardize with -SaveModel or -ModelPath, an existing -SaveModel
file without -Force) are terminating errors raised before any input is read. Settings the data
cannot satisfy (a -Perplexity not below the number of inputs, more -Dimensions than inputs or
input dimensions, a model for vectors of another length) stop the cmdlet with an
InvalidReduction error when the input ends. Progress shows while t-SNE and UMAP run, -Verbose
reports the explained variance of PCA and the final KL divergence of t-SNE, and Ctrl+C stops
the work.
'@
        Parameters  = @{
            InputObject   = @'
The objects to reduce, normally AudioEmbedding objects on the pipeline. Any object with a numeric
Vector property works; all vectors must have the same length.
'@
            Method        = 'The reduction: Pca (default), Tsne or Umap. It can be given by position. A method ignores the parameters of the others.'
            Dimensions    = @'
The length of the output vectors. PCA: 32 by default, lowered to the number of inputs or input
dimensions when either is smaller; at most that many. t-SNE and UMAP: 2 by default; t-SNE with
-TsneMethod BarnesHut embeds in 2 dimensions only, and UMAP needs fewer dimensions than inputs.
Cannot be combined with -Variance.
'@
            Variance      = @'
PCA: keep the fewest components whose explained variance adds up to at least this share of the
total, between 0 and 1 (scikit-learn n_components as a fraction), for example 0.95. Needs the
Full solver (Auto picks it). Cannot be combined with -Dimensions.
'@
            Whiten        = 'PCA: divide every component by its standard deviation, so that every output dimension has unit variance (scikit-learn whiten=True).'
            Solver        = @'
PCA: Auto (default, as scikit-learn's svd_solver='auto': the exact solver when the larger side of
the data is at most 500 or most components are kept, the randomized one otherwise), Full (exact)
or Randomized (Halko's randomized SVD, seeded by -Seed; much faster for a few components of large
data).
'@
            Perplexity    = @'
t-SNE: the effective number of neighbours each point attends to, 30 by default as scikit-learn;
it must be less than the number of inputs. Values from 5 to 50 are usual; small sets need small
values.
'@
            TsneMethod    = @'
t-SNE: BarnesHut (default), which approximates the repulsion with a quadtree in O(n log n) per
iteration and embeds in 2 dimensions, or Exact, which uses every pair in O(n^2) time and memory
and works for any -Dimensions; for small inputs.
'@
            MaxIterations = 't-SNE: gradient-descent iterations in all, the 250 early-exaggeration ones included (scikit-learn n_iter), at least 250; 1000 by default. It stops sooner when the error no longer improves.'
            Neighbors     = 'UMAP: the size of the local neighbourhood, the point itself included (umap-learn n_neighbors), 2 to the number of inputs; 15 by default. Larger values keep more of the global structure.'
            MinDistance   = 'UMAP: how close points may be packed in the output (umap-learn min_dist), 0 to 1; 0.1 by default. Smaller values give tighter clumps, which suits clustering afterwards.'
            Metric        = 'UMAP: the distance between input vectors, Euclidean (default) or Cosine. PCA and t-SNE always use Euclidean distances; add -L2Normalize to make them follow the direction of the vectors.'
            Seed          = 'Seed of the random generator (the randomized PCA solver, which also starts t-SNE, and the sampling of UMAP); 0 by default. The same seed gives the same vectors.'
            SaveModel     = @'
PCA: also writes the fitted projection (means, components, explained variance) to this JSON file,
to apply it to other embeddings with -ModelPath. An existing file is an error unless -Force is
given; -WhatIf reduces but does not write the file. Cannot be combined with -Standardize, whose
scaling the file would not keep.
'@
            Force         = 'With -SaveModel, overwrites the file when it exists.'
            ModelPath     = @'
A PCA projection written earlier with -SaveModel. The input is projected with it and nothing is
fitted: new embeddings land in the same coordinates as the ones the projection was fitted on.
The vectors must have the length the model was fitted on. Give -L2Normalize again if the model was
fitted with it; -Standardize cannot be used.
'@
            Standardize   = @'
Scales every input dimension to zero mean and unit (population) variance before the reduction,
as scikit-learn's StandardScaler; constant dimensions become 0. Not with -SaveModel or
-ModelPath.
'@
            L2Normalize   = 'Scales every input vector to unit Euclidean length before the reduction (after -Standardize when both are given); all-zero vectors stay zero.'
        }
        Defaults    = @{
            Dimensions = '32 (PCA, at most the number of inputs or dimensions), 2 (Tsne, Umap)'
            Variance   = 'None'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding (or from an earlier Compress-AudioEmbedding).' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Vector property holding numbers, and optionally Source (or FullName, Path, Name) and Label properties.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Encoders.AudioEmbedding'
                Description = @'
One embedding per valid input, in input order. Properties: Source, Name, Label, Encoder (the
input's encoder id with the reduction appended, for example
'MelStats/v1 sr=16000 n_fft=1024 hop=160 mels=64 mfcc=20 | PCA(16)'), Vector (float[]) and
Dimensions. Inputs that were not AudioEmbedding objects keep their other properties.
'@
            }
        )
        Notes       = @'
The methods follow the Python implementations, and the module's tests compare them with
references computed by those libraries:
- Pca: sklearn.decomposition.PCA of scikit-learn 1.2 (centring, explained variance over n - 1, component signs fixed as svd_flip does, svd_solver auto/full/randomized, whiten).
- Tsne: sklearn.manifold.TSNE of scikit-learn 1.2 (Euclidean metric, init='pca', learning_rate='auto', early exaggeration 12 for 250 iterations, Barnes-Hut angle 0.5).
- Umap: umap-learn 0.5 (spectral initialisation, spread 1, 500 epochs up to 10,000 inputs and 200 above), with an exact nearest-neighbour search in O(n^2) time.

The random generator is the module's own, so a -Seed does not give the same numbers as the same
random_state in Python; the quality of the result is the same.

t-SNE and UMAP maps are for looking at the data and for clustering methods that need few
dimensions. Distances on a t-SNE map are not meaningful beyond the nearest neighbours, and
neither map can place new points without refitting: only PCA can be saved and applied with
-ModelPath.
'@
        Examples    = @(
            @{
                Title   = 'Reduce to 16 dimensions with PCA, then cluster'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$embeddings = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_'
$embeddings | Compress-AudioEmbedding -Dimensions 16 -Verbose |
    Invoke-AudioClustering -ClusterCount 4 -L2Normalize |
    Measure-ClusterQuality
'@
                Remarks = @'
Projects the 208-dimensional MelStats vectors onto their 16 principal components (-Verbose
reports the share of the variance they keep) and clusters the shorter vectors. The next examples
reuse $embeddings.
'@
            }
            @{
                Title   = 'A 2-d t-SNE map to plot'
                Code    = @'
$embeddings | Compress-AudioEmbedding -Method Tsne -Perplexity 10 -Seed 1 |
    Select-Object Name, Label, @{ Name = 'X'; Expression = { $_.Vector[0] } }, @{ Name = 'Y'; Expression = { $_.Vector[1] } } |
    Export-Csv -Path ./tsne.csv -NoTypeInformation
Import-Csv ./tsne.csv | Select-Object -First 5
'@
                Remarks = @'
Maps every clip to two coordinates and saves them with the name and label, ready for any plotting
tool. The perplexity must be below the number of clips (40 here), so the default of 30 is high
for so small a set.
'@
            }
            @{
                Title   = 'Save a PCA projection and apply it to new embeddings'
                Code    = @'
$embeddings | Compress-AudioEmbedding -Dimensions 8 -SaveModel ./pca.json -Force | Out-Null
New-SyntheticAudioSet -Path ./more -ClassCount 4 -PerClass 5 -Seed 1 | Out-Null
Get-AudioEmbedding -Path ./more -LabelPattern '^(?<label>[a-z]+)_' |
    Compress-AudioEmbedding -ModelPath ./pca.json |
    Select-Object -First 3 Name, Label, Dimensions, Encoder
'@
                Remarks = @'
Fits the projection on the first set and saves it; the new clips are then projected onto the same
8 components, so their vectors can be compared with (or clustered with) the first ones. The
Encoder ends with '| PCA(8, saved)'. -Force overwrites pca.json when the example is run again.
'@
            }
            @{
                Title   = 'UMAP on cosine distances, with properties carried along'
                Code    = @'
$rows = $embeddings | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Label = $_.Label; Take = 1; Vector = $_.Vector } }
$rows | Compress-AudioEmbedding -Method Umap -Neighbors 10 -Metric Cosine |
    Invoke-AudioClustering -ClusterCount 4 |
    Where-Object Name -like '*_000.wav' |
    Format-Table Name, Label, Take, Cluster
'@
                Remarks = @'
Any object with a Vector works, and its other properties (here Take) are carried through the
reduction and the clustering. UMAP measures cosine distances between the input vectors and lays
the clips out in 2 dimensions, where k-means separates the 4 classes; the table shows the first
clip of each class.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Invoke-AudioClustering')
    }

    'Invoke-AudioClustering' = @{
        Synopsis    = 'Groups embeddings (or any objects with a numeric Vector property) into clusters with k-means, mini-batch k-means, agglomerative, DBSCAN, HDBSCAN, mean shift, Gaussian mixtures or spectral clustering.'
        Description = @'
Invoke-AudioClustering reads vectors from the pipeline, groups them and writes one
AudioCluster.Clustering.ClusterAssignment per input: the cluster it landed in (0, 1, 2 ..., or -1
for noise), how far it is from that cluster's centre and, where the method has one, how confident
the assignment is. It takes AudioEmbedding objects from Get-AudioEmbedding or
Compress-AudioEmbedding, or any object with a Vector property holding numbers (float[], double[]
or a list of numbers); Source is taken from a Source, FullName, Path or Name property and Label
from a Label property, so that Measure-ClusterQuality can score the result. The other properties
of such an object (a speaker, a date, a row number from a CSV file) are copied to its output.

-Method chooses the algorithm. Each follows the scikit-learn class of the same name (see NOTES):
- KMeans (default): Lloyd's k-means with k-means++ starts; -ClusterCount clusters, -Restarts starts (10) of which the lowest inertia is kept.
- MiniBatchKMeans: k-means on random batches of 1024 points, for large inputs; -Restarts (3) and -MaxIterations passes over the data (100).
- Agglomerative: bottom-up merging with -Linkage Ward (default), Average, Complete or Single, on -Metric Euclidean or Cosine distances; cut at -ClusterCount clusters, or where merges get farther apart than -DistanceThreshold.
- Dbscan: dense regions of at least -MinSamples points within -Eps of each other; the count is found, and points in no dense region are noise (-1). -Eps is read off the data when omitted.
- Hdbscan: DBSCAN over every density level, keeping the most stable clusters of at least -MinClusterSize points; no radius to choose. Noise is -1.
- MeanShift: climbs to the modes of the density with a flat kernel of radius -Bandwidth (estimated from -Quantile when omitted); the count is found, every point is assigned.
- GaussianMixture: a mixture of -ClusterCount Gaussians fitted by EM, with -CovarianceType Full or Diagonal; Confidence is the posterior probability of the chosen component.
- Spectral: k-means on the eigenvectors of a -Neighbors nearest-neighbour graph, which finds clusters of any shape that hang together; -ClusterCount clusters.

KMeans, MiniBatchKMeans, GaussianMixture and Spectral need -ClusterCount; Agglomerative needs
-ClusterCount or -DistanceThreshold; Dbscan, Hdbscan and MeanShift find the number themselves and
refuse -ClusterCount. -ClusterCount Auto tries every count in -ClusterCountRange (2 to 20 by
default, at most the number of inputs less one) and keeps the best by a criterion that suits the
method: the mean silhouette for KMeans, MiniBatchKMeans and Agglomerative (higher is better,
scored on 5000 sampled points above 5000 inputs), the BIC for GaussianMixture (lower is better)
and the eigengap of the graph Laplacian for Spectral (the largest gap). The curve of scores is
written to the information stream, one AudioCluster.PowerShell.Cmdlets.ClusterCountPoint
(ClusterCount, Criterion, Score, Chosen) per count tagged ClusterCountCurve, so
-InformationVariable curve keeps it; -Verbose prints it.

Embedding dimensions often have very different scales. -Standardize scales every dimension to
zero mean and unit variance first (as scikit-learn's StandardScaler); -L2Normalize scales every
vector to unit length, so that clustering follows the direction of the vectors (cosine
similarity). With both, standardisation comes first. The Vector of each output is the input
vector unchanged; Distance is measured in the scaled space.

-SaveModel also writes the fitted clusters to a file: the preprocessing (-Standardize statistics,
-L2Normalize) and one centre per cluster, or for GaussianMixture the whole mixture (weights, means
and covariances). Later, -ModelPath assigns new vectors (next week's recordings) to the clusters
of that model, fitting nothing, so their cluster numbers mean the same as before. K-means and
mini-batch k-means assign new points to the nearest centre, exactly as they assign their own;
GaussianMixture to the component of highest posterior probability, with that probability as
Confidence; for Agglomerative, MeanShift and Spectral the centres are the means of the clusters'
members, so new points go to the nearest mean. Dbscan and Hdbscan models cannot be saved, as
centres cannot say where their noise begins.

The result is deterministic: the same vectors in the same order with the same parameters and
-Seed give the same clusters on every machine and with any number of cores. Change -Seed to try
other starting points (KMeans, MiniBatchKMeans, GaussianMixture, Spectral; the other methods use
no randomness).

The cmdlet collects all its input and clusters it when the input ends, so nothing is written
until then; the outputs follow the input order. An input without a usable vector, with a vector
of another length than the first input's, or with NaN or infinite values is a non-terminating
error (InvalidVector, DimensionMismatch, NonFiniteVector) and is left out. Parameters that do not
fit together (-ClusterCount with Dbscan, Auto with MeanShift, Ward linkage with -Metric Cosine,
-ClusterCount with -DistanceThreshold, no -ClusterCount for KMeans, an existing -SaveModel file
without -Force, -SaveModel for Dbscan) are terminating errors (InvalidParameter.<name>) raised
before any input is read. No valid input, a -ClusterCount larger than the number of inputs, or a
model whose dimensions differ from the input's (ModelMismatch) stop the cmdlet when the input
ends. Progress shows while the method runs, -Verbose reports what it found (inertia, BIC, the
estimated eps or bandwidth, the noise count) and the time taken, and Ctrl+C stops the work and
writes nothing.
'@
        Parameters  = @{
            InputObject       = @'
The objects to cluster, normally AudioEmbedding objects on the pipeline. Any object with a numeric
Vector property works; all vectors must have the same length. Properties of other objects that a
ClusterAssignment does not have are copied to the output.
'@
            Method            = @'
The clustering method: KMeans (default), MiniBatchKMeans, Agglomerative, Dbscan, Hdbscan,
MeanShift, GaussianMixture or Spectral. See DESCRIPTION for what each does and which parameters
it reads; a method ignores the parameters of the others.
'@
            ClusterCount      = @'
The number of clusters (k), at least 1 and at most the number of inputs, or Auto to choose it from
-ClusterCountRange. Required for KMeans, MiniBatchKMeans, GaussianMixture and Spectral, and for
Agglomerative unless -DistanceThreshold is given; refused by Dbscan, Hdbscan and MeanShift, which
find the count themselves. It can be given by position (Invoke-AudioClustering 4) or with its
alias -K.
'@
            ClusterCountRange = @'
With -ClusterCount Auto: the smallest and the largest count to try, for example 2, 12. The
smallest must be at least 2; the largest is lowered to the number of inputs less one. 2, 20 by
default.
'@
            Seed              = @'
Seed of the random generator (k-means++ starts, mini-batches, the k-means inside GaussianMixture
and Spectral); 0 by default. The same seed gives the same result; the Method property of the
output records it. Agglomerative, Dbscan, Hdbscan and MeanShift use no randomness.
'@
            Restarts          = @'
Independent starts, of which the best is kept (scikit-learn n_init): 10 for KMeans (lowest
inertia), 3 for MiniBatchKMeans, 1 for GaussianMixture (highest likelihood bound) and 10 for the
k-means step of Spectral.
'@
            MaxIterations     = @'
Most iterations per start (scikit-learn max_iter): 300 Lloyd iterations for KMeans, 100 passes
over the data for MiniBatchKMeans, 300 for MeanShift and 100 EM iterations for GaussianMixture.
'@
            Tolerance         = @'
Convergence tolerance (scikit-learn tol), 0 to 1. KMeans: a run stops when the squared movement of
the centres falls below Tolerance times the mean variance of the dimensions (1e-4 by default; 0
runs until the assignment no longer changes). GaussianMixture: EM stops when the mean
log-likelihood bound changes by less than Tolerance (1e-3 by default). The other methods ignore
it.
'@
            Linkage           = @'
Agglomerative: how the distance between two clusters is measured when merging. Ward (default)
merges the pair that least increases the within-cluster variance (Euclidean only); Average uses
the mean distance over all pairs of members, Complete the largest and Single the smallest.
'@
            DistanceThreshold = @'
Agglomerative: instead of a count, stop merging where the linkage distance between the closest
clusters reaches this value (scikit-learn distance_threshold); the number of clusters follows.
Cannot be combined with -ClusterCount.
'@
            Metric            = @'
The distance for Agglomerative, Dbscan and Hdbscan: Euclidean (default) or Cosine (1 - cosine
similarity). Ward linkage needs Euclidean. The other methods always work with Euclidean
distances; add -L2Normalize to make them follow the direction of the vectors.
'@
            Eps               = @'
Dbscan: the neighbourhood radius (scikit-learn eps), in the units of the scaled vectors. When
omitted it is read off the data: the distance of every point to its -MinSamples-th nearest
neighbour, sorted, and taken at the knee of that curve. -Verbose shows the value used.
'@
            MinSamples        = @'
Dbscan and Hdbscan: the neighbours, the point itself included, that a point needs to be a core
point of a dense region (scikit-learn min_samples). 5 for Dbscan; for Hdbscan it defaults to
-MinClusterSize. Smaller values find more, smaller clusters and less noise.
'@
            MinClusterSize    = 'Hdbscan: the smallest group that counts as a cluster (scikit-learn min_cluster_size), at least 2; 5 by default. Smaller groups become noise.'
            Bandwidth         = @'
MeanShift: the radius of the flat kernel, in the units of the scaled vectors. When omitted it is
estimated as scikit-learn's estimate_bandwidth does, from -Quantile. Larger values give fewer
clusters.
'@
            Quantile          = @'
MeanShift without -Bandwidth: the bandwidth is the mean distance of the points to their
(n x Quantile)-th nearest neighbour; 0.3 by default, as scikit-learn. Smaller values give more
clusters.
'@
            CovarianceType    = 'GaussianMixture: the shape of each component. Full (default) gives each component its own covariance matrix; Diagonal only a variance per dimension, which needs far fewer points and much less memory in many dimensions.'
            Neighbors         = 'Spectral: the neighbours of each point, itself included, in the affinity graph (scikit-learn n_neighbors); 10 by default. Also used by the eigengap of -ClusterCount Auto.'
            SaveModel         = @'
Also writes the fitted clusters to this JSON file (the -Standardize statistics, whether
-L2Normalize was given, and one centre per cluster, or the components of a GaussianMixture), to
assign new vectors with -ModelPath. Works for KMeans, MiniBatchKMeans, Agglomerative, MeanShift,
GaussianMixture and Spectral; refused for Dbscan and Hdbscan. An existing file is an error unless
-Force is given. -WhatIf clusters but does not write the file.
'@
            Force             = 'With -SaveModel, overwrites the file when it exists.'
            ModelPath         = @'
A model written earlier with -SaveModel. The input is assigned to the nearest centre of that
model (for a Gaussian mixture, to the most probable component, with Confidence), after the
model's own preprocessing, and nothing is fitted; so -Standardize and -L2Normalize cannot be
given. The vectors must have the model's length. The Method property of the output is the
model's, followed by (saved).
'@
            Standardize       = @'
Scales every dimension to zero mean and unit (population) variance before clustering, as
scikit-learn's StandardScaler; dimensions that are constant become 0. Not with -ModelPath (the
model keeps the scaling it was fitted with).
'@
            L2Normalize       = @'
Scales every vector to unit Euclidean length before clustering (after -Standardize when both are
given); all-zero vectors stay zero. Not with -ModelPath (the model records whether it was used).
'@
        }
        Defaults    = @{
            ClusterCount  = 'None'
            Restarts      = '10 (KMeans, Spectral), 3 (MiniBatchKMeans), 1 (GaussianMixture)'
            MaxIterations = '300 (KMeans, MeanShift), 100 (MiniBatchKMeans, GaussianMixture)'
            Tolerance     = '0.0001 (KMeans), 0.001 (GaussianMixture)'
            DistanceThreshold = 'None'
            Eps           = 'None (estimated from the k-distance curve)'
            MinSamples    = '5 (Dbscan), -MinClusterSize (Hdbscan)'
            Bandwidth     = 'None (estimated from -Quantile)'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding or Compress-AudioEmbedding.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Vector property holding numbers, and optionally Source (or FullName, Path, Name) and Label properties.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Clustering.ClusterAssignment'
                Description = @'
One assignment per valid input, in input order. Properties: Source, Name, Label, Cluster (0-based;
-1 for the noise of Dbscan and Hdbscan), Distance (Euclidean distance to the cluster centre, or to
the mean of its members for methods without centres, in the space after -Standardize and
-L2Normalize; NaN for noise), Confidence (the posterior probability for GaussianMixture, also
from a saved mixture, the membership strength for Hdbscan, empty otherwise), Method (for example
'KMeans(k=4, seed=0)' or 'DBSCAN(eps=0.203156, min_samples=4, Euclidean)') and Vector (the input
vector). Inputs that were not AudioEmbedding objects keep their other properties.
'@
            }
        )
        Notes       = @'
The methods follow scikit-learn 1.2 (HDBSCAN: 1.3), and the module's tests compare them with
references computed by scikit-learn:
- KMeans: sklearn.cluster.KMeans(algorithm='lloyd', init='k-means++'); given the same starting centres, the clusters, centres and inertia are equal.
- MiniBatchKMeans: sklearn.cluster.MiniBatchKMeans (batch_size 1024, max_no_improvement 10).
- Agglomerative: sklearn.cluster.AgglomerativeClustering without connectivity (scipy's linkage): the same merge heights and partition. O(n^2) memory for Ward, Average and Complete.
- Dbscan: sklearn.cluster.DBSCAN, with the same numbering of clusters; scikit-learn's fixed default eps=0.5 is not copied, as it means nothing for unscaled embeddings.
- Hdbscan: sklearn.cluster.HDBSCAN (excess-of-mass selection).
- MeanShift: sklearn.cluster.MeanShift (flat kernel, cluster_all=True) and estimate_bandwidth.
- GaussianMixture: sklearn.mixture.GaussianMixture(init_params='kmeans', reg_covar=1e-6).
- Spectral: sklearn.cluster.SpectralClustering(affinity='nearest_neighbors', assign_labels='kmeans').

Each method reads only its own settings: a method-specific parameter the chosen -Method does not
read (say -Linkage with KMeans, or -Seed with Agglomerative) brings a warning that names the
methods it applies to, and the clustering goes on.

The random generator is the module's own (xoshiro256**), so a -Seed does not pick the same starts
as the same random_state in scikit-learn; the quality of the result is the same.

Noise: Dbscan and Hdbscan label points that belong to no dense region -1. They stay in the
output with Distance NaN. Measure-ClusterQuality counts them in NoisePoints, not in Clusters;
-NoiseHandling Exclude leaves them out of its label metrics.

Choosing the count: the silhouette often prefers a few broad groups over many fine ones; the
eigengap (Spectral) and the BIC (GaussianMixture) weigh this differently. Look at the whole curve
(-InformationVariable) rather than only at the chosen point.

Cluster numbers are arbitrary: two runs that find the same groups may number them differently.
Measure-ClusterQuality compares partitions, not numbers.
'@
        Examples    = @(
            @{
                Title   = 'Cluster a folder of sounds and score the result'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$embeddings = Get-ChildItem ./demo -Filter *.wav |
    Import-Audio -LabelPattern '^(?<label>[a-z]+)_' |
    Get-AudioEmbedding
$embeddings | Invoke-AudioClustering -ClusterCount 4 -L2Normalize -Seed 0 | Measure-ClusterQuality
'@
                Remarks = @'
The whole workflow with k-means: decode 40 labelled clips, embed them, group them into 4 clusters
and compare the clusters with the labels (NMI, ARI, accuracy ...). The labels play no part in
the clustering. The next examples reuse $embeddings.
'@
            }
            @{
                Title   = 'Agglomerative clustering on cosine distances'
                Code    = @'
$embeddings |
    Invoke-AudioClustering -Method Agglomerative -Linkage Average -Metric Cosine -ClusterCount 4 |
    Group-Object Cluster |
    Select-Object @{ Name = 'Cluster'; Expression = { $_.Name } }, Count,
        @{ Name = 'Labels'; Expression = { ($_.Group.Label | Sort-Object -Unique) -join ', ' } }
'@
                Remarks = @'
Merges the clips bottom-up by the mean cosine distance between clusters (Ward linkage would need
Euclidean distances) and shows, for each of the 4 clusters, how many clips it holds and which
labels they carry.
'@
            }
            @{
                Title   = 'Let DBSCAN find the clusters and the noise'
                Code    = @'
$dense = $embeddings | Invoke-AudioClustering -Method Dbscan -MinSamples 4 -L2Normalize -Verbose
$dense | Where-Object Cluster -eq -1 | Format-Table Name, Label, Cluster
$dense | Measure-ClusterQuality -NoiseHandling Exclude
'@
                Remarks = @'
No cluster count is given: DBSCAN finds the dense groups, and -Verbose shows the eps it read off
the k-distance curve and how many points it left as noise. Noise points have Cluster -1; with
-NoiseHandling Exclude, Measure-ClusterQuality scores only the clustered points (N drops by the
number of noise points).
'@
            }
            @{
                Title   = 'Choose the number of clusters and look at the curve'
                Code    = @'
$clusters = $embeddings |
    Invoke-AudioClustering -Method Spectral -ClusterCount Auto -ClusterCountRange 2, 8 -L2Normalize -InformationVariable curve
$curve.MessageData
"Chose $(($clusters.Cluster | Sort-Object -Unique).Count) clusters"
'@
                Remarks = @'
Tries 2 to 8 clusters and keeps the count with the largest eigengap (4 here). The scores arrive
on the information stream as ClusterCountPoint objects tagged ClusterCountCurve;
-InformationVariable collects them, and their MessageData is the curve (a table of ClusterCount,
Criterion, Score and Chosen). With -Method KMeans the criterion is the silhouette, with
GaussianMixture the BIC.
'@
            }
            @{
                Title   = 'Save the clusters and assign new recordings to them'
                Code    = @'
$embeddings | Invoke-AudioClustering -ClusterCount 4 -L2Normalize -SaveModel ./clusters.json -Force | Out-Null
New-SyntheticAudioSet -Path ./more -ClassCount 4 -PerClass 5 -Seed 1 | Out-Null
Get-AudioEmbedding -Path ./more -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ModelPath ./clusters.json |
    Format-Table Name, Label, Cluster, Distance, Method
'@
                Remarks = @'
Fits k-means once and saves the preprocessing (-L2Normalize) and the 4 centres. Twenty new clips
are then assigned to the nearest saved centre, without refitting, so a cluster number means the
same for the old and the new clips. -Force overwrites clusters.json when the example is run again.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Compress-AudioEmbedding', 'Measure-ClusterQuality')
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
natively (AVX-512 BF16 or AMX) the two wide layers of the heads compute in bfloat16 (the weights
stay float32, as in mixed-precision training), several times faster; prediction is always
float32.

Two settings differ from the paper's code for audio: the budget is counted in steps (-Steps,
2000 by default) instead of 100 epochs, because audio collections are small and an epoch is
only a few steps (2 for 3,000 clips in batches of 1024); and the teacher momentum stays at
0.996 (-MomentumSchedule Constant, as in the TEMI README's runs) instead of rising to 1 along a
cosine, which in runs of a few thousand steps freezes the teacher too early (FSDD speakers,
BYOL-A, one head, 2000 steps: NMI 0.68 with Constant, 0.61 with Cosine).

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
heads and the steps; -Heads 1 is the quickest way to try settings. On a machine whose cores are
busy with other work, libtorch's threads wait for each other and training slows down many
times; [TorchSharp.torch]::set_num_threads(1) then runs it on one core, faster.
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
    'Invoke-DeepClusterTraining' = @{
        Synopsis    = 'Clusters audio with DeepCluster: k-means on the BYOL-A encoder''s features and training of the encoder on those pseudo-labels, in turn.'
        Description = @'
Invoke-DeepClusterTraining runs DeepCluster (Caron et al., "Deep Clustering for Unsupervised
Learning of Visual Features", ECCV 2018) on audio as DECAR (Ghosh et al., 2022) does: the encoder
works on log-mel spectrograms and is trained, not frozen. It reads audio like Get-AudioEmbedding
(paths, FileInfo objects from Get-ChildItem, or AudioClip objects from Import-Audio), and writes
one AudioCluster.Clustering.ClusterAssignment per clip from the final k-means.

The encoder is BYOL-A's AudioNTT2020 on its 64-band log-mel (the network and front end of
Get-AudioEmbedding -Encoder ByolA). It starts from -EncoderModelPath (the authors'
AudioNTT2020-BYOLA-64x96d512.pth, or an encoder this module saved), or from random weights drawn
from -Seed. Fine-tuning the pretrained encoder is the useful case: a random one needs far more
audio and epochs than a collection usually offers.

Every epoch:
(a) every clip is embedded whole by the current encoder (as Get-AudioEmbedding does, with the
    log-mel normalisation statistics of all the clips), the features are whitened by PCA into
    -Dimensions dimensions and L2-normalised, and k-means (k-means++, 10 starts) splits them into
    -PseudoLabelCount clusters (default: -ClusterCount). A cluster that empties during k-means
    takes a slightly perturbed copy of the centre of a non-empty one and shares its points, as
    DeepCluster's k-means does;
(b) the clusters become pseudo-labels. A new linear classifier (weights N(0, 0.01)) is put on the
    encoder, and both are trained for one pass with SGD (momentum 0.9, weight decay 1e-5) on the
    cross-entropy, with batches of -BatchSize clips drawn uniformly over the pseudo-labels (each
    pseudo-label gets the same share, so a large cluster cannot swamp the small ones). Each
    example is a crop of 96 frames (0.95 s; shorter clips are padded with silence) augmented with
    BYOL-A's random resize crop and random linear fader, a SpecAugment frequency mask (up to 8
    bands) and time mask (up to 12 frames), and a random gain of up to 6 dB.
The NMI between the pseudo-labels of successive epochs shows how much the clustering still
moves (it needs no labels). After the last epoch, step (a) runs once more with -ClusterCount
clusters; that is the output.

Where audio forced a change from the paper: the learning rate is 0.005 rather than 0.05, because
fine-tuning a pretrained encoder on a few thousand clips at 0.05 wipes out what it learnt in one
epoch; batches are 64 clips rather than 256 for the same reason (more steps per epoch); and no
Sobel filter (it is for images).

Small collections: a -ClusterCount or -PseudoLabelCount larger than the number of clips is a
terminating error; a -BatchSize larger than it is lowered (with a warning when given); PCA keeps
at most the number of clips less one dimensions (and no more than the encoder gives; by default
no more than one per 8 clips), with a verbose note. Clips shorter than 8 log-mel frames (about
0.05 s) are left out with an error each.

-ModelPath (a .json file) saves what is needed to cluster new audio into the same clusters: the
trained encoder beside it as NAME.encoder.pth (the format Get-AudioEmbedding -Encoder ByolA
-ModelPath loads) and the cluster model (format AudioCluster.DeepClusterModel: the PCA
whitening, the L2 normalisation and the centres, with the encoder's weights hash and log-mel
normalisation), and the encoder's log-mel normalisation beside it as NAME.encoder.pth.json. All
are rewritten after every complete epoch, each to a temporary file then renamed. New recordings
then go through

    Get-AudioEmbedding -Encoder ByolA -ModelPath NAME.encoder.pth |
        Invoke-AudioClustering -ModelPath NAME.json

(Get-AudioEmbedding reads the training's normalisation from NAME.encoder.pth.json; -Verbose prints
the command and the statistics, also recorded in the model as encoder.normalizationMean and
encoder.normalizationStd). Invoke-AudioClustering refuses embeddings that say they come from another encoder or another normalisation, and says
what to give instead.

Progress shows the step, the loss and the time left; -Verbose logs the settings and, per epoch,
the loss, the NMI against the previous epoch and the seconds. Each epoch is also written to the
information stream (tag DeepClusterEpoch; see -InformationVariable) as an
AudioCluster.DeepClustering.DeepClusterEpoch with its pseudo-labels. Ctrl+C stops after the
current step; the files of the last complete epoch stay, and nothing is written to the pipeline.

The same clips in the same order with the same parameters and -Seed give the same clusters on the
same machine.
'@
        Parameters  = @{
            InputObject      = @'
AudioClip objects, normally from Import-Audio on the pipeline. Each is mixed down to mono and
resampled to 16 kHz when needed.
'@
            ClusterCount     = @'
The number of clusters of the final k-means, the output's cluster count (K), at least 2 and at
most the number of clips. Required; alias -K. Unless -PseudoLabelCount is given it is also the
number of pseudo-labels the encoder is trained on.
'@
            PseudoLabelCount = @'
The number of k-means clusters that serve as pseudo-labels in every epoch; -ClusterCount by
default. DeepCluster over-clusters (10,000 pseudo-labels for ImageNet's 1,000 classes): a value
a few times the expected number of classes makes finer pseudo-labels; on a few thousand clips,
each pseudo-label should still hold a few dozen of them.
'@
            Epochs           = @'
Rounds of clustering and one pass of training, 1 or more; 10 by default. An epoch takes one
forward pass over every clip and one training pass of as many crops.
'@
            BatchSize        = @'
Clips per training step, 2 or more (batch norm needs two); 64 by default. A value above the
number of clips is lowered to it, with a warning when the value was given (-Verbose notes it for
the default).
'@
            LearningRate     = @'
SGD learning rate of the encoder and the classifier, above 0; 0.005 by default (see the
description for why not the paper's 0.05). Lower it if the loss becomes NaN.
'@
            Dimensions       = @'
PCA components the features are whitened into before k-means; 256 by default, as in DeepCluster.
Lowered to the encoder's width and to the number of clips less one. Without -Dimensions, also
to one per 8 clips: whitening gives every kept direction the same weight, so on small sets it
weighs noise like signal (FSDD with BYOL-A: 3,000 clips whitened to 256 dimensions give digit
NMI 0.20; 600 clips, 0.02).
'@
            Seed             = @'
Seed of every random step: the encoder's random weights (without -EncoderModelPath), the
sampling, crops and augmentations, the classifier's initial weights, dropout and k-means; 0 by
default. The same seed and clips give the same clusters.
'@
            Device           = @'
Where the networks run: Cpu (the default), Cuda, or Auto. Cuda and Auto use a GPU when libtorch
can, and fall back to the CPU otherwise, saying why. The module ships the CPU build of libtorch.
'@
            EncoderModelPath = @'
An AudioNTT2020 state dict to start from: the authors' AudioNTT2020-BYOLA-64x96d512.pth, or an
encoder this module wrote (Invoke-ByolaTraining, or NAME.encoder.pth of an earlier run). Without
it the encoder starts from random weights (512 dimensions) drawn from -Seed.
'@
            ModelPath        = @'
The cluster model to write, a .json file; the trained encoder goes beside it as
NAME.encoder.pth. Both are rewritten after every complete epoch. Relative paths are resolved
against the current location. Existing files need -Force.
'@
            Force            = 'Overwrites the -ModelPath file and its encoder file when they exist.'
        }
        Defaults    = @{
            LearningRate = '0.005'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio; they bind to -InputObject.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Clustering.ClusterAssignment'
                Description = @'
One assignment per clip, in input order: Source, Label (from -LabelPattern or
-LabelFromDirectory), Cluster (0 to ClusterCount - 1), Distance (to the centre, in the whitened
and L2-normalised space), Confidence (1 - d1 / d2, with d1 and d2 the distances to the nearest
and second-nearest centre: 1 at a centre, 0 half-way between two), Method (for example
'DeepCluster k=10 epochs=3 seed=0') and Vector (the whitened, L2-normalised features k-means
saw).
'@
            }
        )
        Notes       = @'
Measured on FSDD (3,000 spoken digits; NMI against the digits with 10 clusters; 2 CPU cores
shared with other work) starting from the authors' BYOL-A weights: the frozen encoder with
K-means gives 0.13. DeepCluster's own step (a) on the frozen encoder (epoch 0: PCA-whitened to
256, L2-normalised, k-means) gives 0.20. With the defaults, the three epochs that followed gave
0.18, 0.28 and 0.23; with -PseudoLabelCount 30, six epochs ended at 0.19. The pseudo-labels swing
between digit-like and speaker-like splits from one epoch to the next (NMI between successive
epochs about 0.5 with 10 pseudo-labels, 0.7 with 30), so on this set the training adds little
and unevenly to what the whitening already gives. An epoch took 30 to 110 s, depending on how
busy the machine was.
scripts/bench/Measure-DeepClusterTraining.ps1 in the source repository repeats the measurement.

Training time grows with the number of clips and epochs; on a machine whose cores are busy with
other work, libtorch's threads wait for each other and training slows down many times.
'@
        Examples    = @(
            @{
                Title   = 'Cluster a folder of recordings and score the clusters'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 3 -PerClass 6 -Duration 0.5 | Out-Null
Get-ChildItem ./demo -Filter *.wav |
    Invoke-DeepClusterTraining -ClusterCount 3 -Epochs 2 -BatchSize 8 -Dimensions 4 -LabelPattern '^(?<label>[a-z]+)_' -Seed 0 |
    Measure-ClusterQuality
'@
                Remarks = @'
Trains a random encoder for two epochs on 18 generated clips and compares the clusters with the
labels taken from the file names; the labels play no part in training. For real recordings,
start from the pretrained weights: -EncoderModelPath ./AudioNTT2020-BYOLA-64x96d512.pth.
'@
            }
            @{
                Title   = 'Save the encoder and clusters, and put new recordings into them'
                Code    = @'
Get-ChildItem ./demo -Filter *.wav | Invoke-DeepClusterTraining -K 3 -Epochs 1 -BatchSize 8 -Dimensions 4 -ModelPath ./dc.json -Force | Out-Null
New-SyntheticAudioSet -Path ./new -ClassCount 3 -PerClass 2 -Duration 0.5 -Seed 9 | Out-Null
Get-ChildItem ./new -Filter *.wav |
    Get-AudioEmbedding -Encoder ByolA -ModelPath ./dc.encoder.pth |
    Invoke-AudioClustering -ModelPath ./dc.json | Format-Table Name, Cluster, Confidence
'@
                Remarks = @'
-ModelPath writes dc.json (whitening and centres), dc.encoder.pth (the trained encoder) and
dc.encoder.pth.json (its log-mel normalisation). Embedding new clips with that encoder, which
applies the training's normalisation by itself, and applying dc.json puts them into the clusters
found in training.
'@
            }
            @{
                Title   = 'Follow the training epoch by epoch'
                Code    = @'
$null = Get-ChildItem ./demo -Filter *.wav |
    Invoke-DeepClusterTraining -K 3 -Epochs 2 -BatchSize 8 -Dimensions 4 -InformationVariable curve
$curve | Where-Object Tags -contains 'DeepClusterEpoch' | ForEach-Object MessageData
'@
                Remarks = @'
Epoch 0 is the clustering of the initial encoder; every later row has the epoch's mean loss and
the NMI between its pseudo-labels and the previous epoch's (1: nothing moved).
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Invoke-AudioClustering', 'Invoke-ByolaTraining', 'Invoke-TemiTraining', 'Measure-ClusterQuality')
    }

    'Invoke-SpiceTraining' = @{
        Synopsis    = 'Clusters embeddings with SPICE: clustering heads trained on prototype pseudo-labels (stage 2), and with -EncoderModelPath the BYOL-A encoder trained on the clips from the reliable labels (stage 3), with libtorch.'
        Description = @'
Invoke-SpiceTraining trains the clustering heads of SPICE (Niu and Wang, "SPICE: Semantic
Pseudo-labeling for Image Clustering", IEEE TIP 2022) on the vectors from the pipeline and writes
one AudioCluster.Clustering.ClusterAssignment per input: the cluster (0 to ClusterCount - 1) and its
probability as Confidence. It takes AudioEmbedding objects from Get-AudioEmbedding, or any object
with a numeric Vector property, as Invoke-AudioClustering does.

SPICE has three stages: (1) a self-supervised encoder, (2) SPICE-Self, clustering heads trained on
the frozen encoder's embeddings, and (3) joint training of encoder and head on reliable
pseudo-labels. From embeddings this cmdlet runs stage 2; the encoder (stage 1) is whatever made the
embeddings (Get-AudioEmbedding -Encoder ByolA, EfficientAT, ...). With -EncoderModelPath, the
BYOL-A weights the embeddings came from, it runs stage 3 after stage 2, reading every clip from its
embedding's Source. -Verbose and the Method of every output say which stages ran: "SPICE stage 2
(frozen embeddings)" or "SPICE stages 2 (heads on the embeddings) and 3 (SPICE-Semi: ...)".

Stage 2, as the paper's official code runs it:
- -Heads heads (10 by default) are trained side by side, each an MLP [d, 512, ClusterCount]
  (Linear, ReLU, Linear, softmax), initialised as PyTorch initialises Linear layers;
- the inputs are taken in batches of -BatchSize (M, 5000 by default, all inputs when there are
  fewer). For each batch every head scores the clean vectors; for each cluster, the
  -ConfidentRatio x M/K inputs the head finds most probable (0.5 x M/K by default) are averaged into
  a prototype (on L2-normalised vectors), and the -PseudoLabelRatio x M/K inputs most similar to the
  prototype by cosine (M/K by default) take that cluster as pseudo-label (an input can be picked for
  two clusters, as in the paper);
- the heads then learn those pseudo-labels on a strong view of each input: cross-entropy over the
  head's softmax output (as the official code, whose loss takes the probabilities as logits), Adam
  with learning rate -LearningRate (0.005) and no weight decay, -Repeats passes (8) over the
  pseudo-labelled inputs in batches of -TrainBatchSize (128); then the next batch is labelled;
- with -Initialization KMeans (not the paper's), the first epoch is labelled around k-means
  centres instead: for head h, the centres of k-means (one restart, seed -Seed + h) on the
  L2-normalised vectors are the prototypes, so each head starts from a different k-means partition
  and the later epochs refine it as above;
- after every epoch (every batch of the data labelled once) the same labelling over all inputs,
  on the clean vectors, scores every head; the head with the lowest loss at its best moment is kept
  (no labels are used), and each input goes to the cluster that head finds most probable.

All heads are computed together as batched tensor operations, on the CPU or, with -Device Cuda or
Auto, on a CUDA GPU that libtorch can use (without one the training runs on the CPU and -Verbose
says so). On CPUs that multiply bfloat16 matrices natively (AVX-512 BF16 or AMX) the heads' matrix
products in training compute in bfloat16 (the weights stay float32); prediction is float32.

Where audio embeddings forced a change from the paper:
- the strong view. The paper augments images (crops, colour changes, cutout) and passes them
  through the frozen encoder; here only the embeddings exist. The strong view of an input is the
  embedding of one of its -AugmentNeighbors nearest neighbours by cosine (20 by default, drawn anew
  at every step, as TEMI and SCAN use neighbours as views of one sample), with -FeatureDropout
  (0.1) of its values zeroed and the rest scaled up. -AugmentNeighbors 0 -FeatureDropout 0 trains
  on the clean vectors;
- the budget is counted in steps (-Steps, 2000 by default: about 11 labellings of 3,000 clips)
  instead of the paper's 100 epochs, because audio collections are small and several hundred
  thousand steps would buy little;
- the heads' input is the vectors as given (or as -Standardize / -L2Normalize prepare them); the
  prototypes always use their L2-normalised form, as the paper's cosine similarities do.

Small collections are handled: a batch larger than the collection is cut to it; with fewer than 2
inputs per cluster in a batch each prototype still uses one input and labels one; a training batch
larger than the pseudo-labelled inputs is cut to them; with fewer other inputs than
-AugmentNeighbors the neighbours are all of them. A changed default is a verbose note, a changed
explicit setting a warning. A -ClusterCount larger than the number of inputs, a batch smaller than
-ClusterCount, or fewer than 2 inputs is a terminating error. -Steps and -Epochs cannot be combined.

-ModelPath saves the kept head with its preprocessing (-Standardize, -L2Normalize) as a JSON file
(format AudioCluster.SpiceModel), written to a temporary file and renamed, so
Invoke-AudioClustering -ModelPath puts new embeddings into the same clusters later. Progress shows
the step and the time left; -Verbose logs the settings that ran, then per epoch (at most about
twenty lines) the training loss of the heads, the selection loss and the lowest head, and the
speed, and finally the head kept and when. Ctrl+C stops training at the next step; with -ModelPath
the best head so far is saved before the cmdlet stops, and nothing is written to the pipeline.

Stage 3 (SPICE-Semi), with -EncoderModelPath:
- reliable labels, as the official code selects them (local consistency): a clip's stage-2 cluster
  is reliable when at least -ReliableRatio (λ, 0.9) of its -ReliableNeighbors (N_s, 100, the clip
  itself counted; at most all clips) nearest neighbours by cosine on the embeddings (as stage 2
  saw them) share it, and its stage-2 probability exceeds -ReliableConfidence (0.99). Every cluster
  with reliable clips then keeps as many, drawn at random, as the smallest has (the official code
  balances over all clusters, which keeps nothing when one has none). When fewer than 2 clusters
  have reliable clips, a warning says so and the output is stage 2's;
- the clips are read from each input's Source (16 kHz mono) and turned into BYOL-A log-mels,
  normalised with statistics computed from these clips (as Invoke-DeepClusterTraining does);
- BYOL-A's AudioNTT2020, loaded from -EncoderModelPath, and a new linear classifier on its
  features (standardised with z-scores fitted on the starting encoder's features of the clips,
  then scaled to a fixed length) train together with FixMatch's loss for -SemiEpochs passes over all clips: each step takes
  -SemiBatchSize reliable clips (cross-entropy of a weak view against the reliable label) and
  -SemiBatchSize clips of all (cross-entropy of a strong view against the weak view's cluster
  where the weak view's probability reaches -ConfidenceThreshold, 0.95). Views are random
  crops of 96 frames (0.95 s); the weak view adds a random gain of up to 3 dB, the strong view
  BYOL-A's mixup with a random crop of another clip (log((1 - a) exp(x) + a exp(z)), a drawn up
  to 0.4), BYOL-A's random resize crop and linear fader, frequency and time masks and a gain of up
  to 6 dB.
  Adam with -SemiLearningRate (0.0001) for the encoder and ten times that for the classifier;
  batch norm keeps the encoder's running statistics and dropout is off (so a seed gives the same
  run whatever else trains in the process);
- the final clusters are the classifier's over every whole clip embedded by the trained encoder,
  Confidence its probability. -Verbose logs the reliable count and, per epoch, the loss and the
  share of unlabelled clips above the threshold.
Where audio forced a change from the paper's stage 3: spectrogram augmentations in place of image
ones, Adam at a fine-tuning rate in place of SGD at 0.03, and one unlabelled clip per
labelled one (FixMatch: seven) to keep CPU runs short. With -ModelPath (a .json file) stage 3
writes the cluster model (format AudioCluster.SpiceSemiModel: the classifier and its
feature scaling, bound to the encoder) and the trained encoder beside it as NAME.encoder.pth, after
every epoch, as Invoke-DeepClusterTraining does; new clips go through Get-AudioEmbedding -Encoder
ByolA -ModelPath NAME.encoder.pth (which applies the normalisation saved beside it as
NAME.encoder.pth.json), then Invoke-AudioClustering -ModelPath NAME.json, which refuses embeddings of any other encoder.

The same vectors in the same order with the same parameters and -Seed give the same clusters on
the same machine.
'@
        Parameters  = @{
            InputObject       = 'The objects to cluster, normally AudioEmbedding objects on the pipeline. Any object with a numeric Vector property works; all vectors must have the same length.'
            ClusterCount      = 'The number of clusters (K), at least 2 and at most the number of inputs. Required; it can be given by position or with its alias -K.'
            Heads             = 'How many heads to train side by side (1 to 256); the one with the lowest selection loss is kept. 10 by default, as in the paper. The work grows with the number of heads.'
            Steps             = 'Optimiser steps to train for (each on -TrainBatchSize pseudo-labelled inputs); 2000 by default. Cannot be combined with -Epochs.'
            Epochs            = 'Trains for this many passes over the data instead of a number of steps. In an epoch every whole batch of -BatchSize inputs is labelled once (a last partial batch is dropped, as in the paper) and trained on for -Repeats passes.'
            BatchSize         = 'Inputs pseudo-labelled together (M); 5000 by default, as in the paper, cut to the number of inputs when larger. Prototypes and pseudo-labels come from one batch at a time; it must hold at least ClusterCount inputs.'
            TrainBatchSize    = 'Pseudo-labelled inputs per optimiser step; 128 by default, as in the paper. Cut to the number of pseudo-labelled inputs of a batch when larger.'
            Repeats           = 'Passes over a batch''s pseudo-labelled inputs before the next batch is labelled (1 to 1000); 8 by default, as in the paper.'
            LearningRate      = 'Learning rate of Adam; 0.005 by default, as in the paper.'
            ConfidentRatio    = 'Share of BatchSize / ClusterCount inputs, the most probable ones of each cluster, averaged into its prototype; 0.5 by default (the paper''s center_ratio). Between 0 and 1.'
            PseudoLabelRatio  = 'Share of BatchSize / ClusterCount inputs, the most similar ones to each prototype, that take its cluster as pseudo-label; 1 by default, as in the paper. Between 0 and 1.'
            AugmentNeighbors  = 'The strong view of an input is the embedding of one of its this many nearest neighbours (cosine), drawn anew at every step; 20 by default. 0 uses the input itself. Reduced to the number of inputs less one when there are fewer.'
            FeatureDropout    = 'Share of the strong view''s values set to zero at random (the rest scaled by 1 / (1 - share)); 0.1 by default, 0 turns it off. Between 0 and 0.95.'
            Initialization    = 'Where the first epoch''s prototypes come from: Random (the default, as the paper: the randomly initialised heads'' most confident inputs) or KMeans (the centres of k-means on the L2-normalised vectors, seed -Seed + h for head h, so the heads start from different k-means partitions).'
            Seed              = 'Seed of every random step: the initial weights, the shuffling, the neighbour draws and the dropout; 0 by default. The same seed gives the same clusters on the same machine.'
            Device            = 'Where to train: Cpu (the default), Cuda, or Auto (CUDA when libtorch has a GPU, else the CPU). Without a usable GPU, Cuda and Auto run on the CPU with a verbose note.'
            ModelPath         = 'Saves the kept head and the preprocessing to this file (JSON), for Invoke-AudioClustering -ModelPath to assign new vectors. An existing file is only replaced with -Force.'
            Force             = 'Overwrites the -ModelPath file when it exists.'
            Standardize       = 'Scales every dimension to zero mean and unit variance before training (the scaling is saved with the model).'
            L2Normalize       = 'Scales every vector to unit length before training (after -Standardize when both are given).'
            EncoderModelPath  = 'The BYOL-A weights (AudioNTT2020 state dict: the authors'' .pth or an encoder this module saved) the piped embeddings came from. Given, stage 3 runs after stage 2: the clips are read from every input''s Source and the encoder is trained on their log-mel spectrograms. Every input then needs a readable audio file as its Source.'
            SemiEpochs        = 'Stage 3: passes over all clips; 2 by default. Each pass has one step per -SemiBatchSize clips.'
            SemiBatchSize     = 'Stage 3: clips per labelled batch (reliable clips) and per unlabelled batch (all clips); 32 by default, cut to the clips available. At least 2.'
            SemiLearningRate  = 'Stage 3: learning rate of Adam for the encoder; the new classifier learns at ten times this. 0.0001 by default.'
            ReliableRatio     = 'Stage 3: share (λ) of a clip''s -ReliableNeighbors nearest neighbours, itself counted, that must share its stage-2 cluster for the label to count as reliable; 0.9 by default, as the official code. Between 0 and 1.'
            ReliableNeighbors = 'Stage 3: neighbours (N_s) checked for reliability, by cosine on the embeddings, the clip itself counted; 100 by default, as the official code, cut to the number of clips.'
            ReliableConfidence = 'Stage 3: stage-2 probability a clip must exceed for its label to count as reliable; 0.99 by default (the official score_th). Between 0 and 0.999999.'
            ConfidenceThreshold = 'Stage 3: probability of the weak view from which its cluster becomes the strong view''s target (FixMatch); 0.95 by default. Between 0 and 1.'
        }
        Defaults    = @{
            LearningRate     = '0.005'
            SemiLearningRate = '0.0001'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding (with their Source audio files for stage 3).' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Vector property holding numbers, and optionally Source (or FullName, Path, Name) and Label properties.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Clustering.ClusterAssignment'
                Description = @'
One assignment per valid input, in input order, keeping the input's other properties. Cluster is
the kept head's most probable cluster, Confidence its probability, Distance is NaN (there are no
centres), and Method records the stages that ran, the settings and the kept head, for example
'SPICE stage 2 (frozen embeddings): SPICE-Self(k=4, heads=4, head=2, steps=300, seed=0)'; after
stage 3 Cluster and Confidence are the trained classifier's, and Method ends in
'+ SPICE-Semi(reliable=..., epochs=..., seed=...)'.
'@
            }
        )
        Notes       = @'
SPICE-Self learns how to split what the encoder already separates: with embeddings that group
sounds by speaker rather than by word, it finds speakers. Compare it with Invoke-AudioClustering and
Invoke-TemiTraining on the same embeddings; scripts/bench/Measure-DeepClustering.ps1 in the source
repository does that on a labelled folder. On the 3,000 spoken digits of FSDD (NMI, 2000 steps,
mean over seeds): with BYOL-A embeddings SPICE matched the best classic method on speakers (0.924
with -Standardize; Ward on L2-normalised vectors 0.923) and beat it on digits (0.169 with
-L2Normalize; 0.111); with MelStats vectors Ward stayed ahead (speakers 0.869 against 0.842, digits
0.233 against 0.216, both with -Standardize). Which preprocessing suits the heads depends on the
encoder.

Stage 3 on 1,500 FSDD recordings (every second take) from the authors' BYOL-A weights, digits,
10 clusters, -L2Normalize, seed 0: stage 2 alone gave NMI 0.165. With the stage-3 defaults 377
clips passed the reliability test, but in only 7 clusters and as few as 1 in one of them, so the
class balancing kept 7 labels; two epochs gave 0.101. With -ReliableRatio 0.8 -ReliableConfidence
0.9, 81 labels (9 clusters) and two epochs gave 0.124. In these short runs stage 3 lowered the
NMI; an epoch took about 30 to 60 s on two busy cores.

Training time grows with the vector width, the number of heads and the steps: on one core, 3,000
vectors of 512 values, 10 heads ran about 40 steps per second, one head about 600. On a machine
whose cores are busy with other work, libtorch's threads wait for each other and training slows
down many times; [TorchSharp.torch]::set_num_threads(1) then runs it on one core, faster.
'@
        Examples    = @(
            @{
                Title   = 'Train on embeddings of a folder and score the clusters'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$embeddings = Get-ChildItem ./demo -Filter *.wav | Get-AudioEmbedding -LabelPattern '^(?<label>[a-z]+)_'
$embeddings | Invoke-SpiceTraining -ClusterCount 4 -Heads 4 -Steps 300 -Standardize -Seed 0 | Measure-ClusterQuality
'@
                Remarks = @'
Embeds 40 labelled clips once, trains four SPICE heads for 300 steps on the standardised vectors
and compares the clusters with the labels. The labels play no part in the training.
'@
            }
            @{
                Title   = 'Save the model and assign new recordings later'
                Code    = @'
$embeddings | Invoke-SpiceTraining 4 -Heads 4 -Steps 300 -Standardize -ModelPath ./spice.json -Force | Out-Null
New-SyntheticAudioSet -Path ./new -ClassCount 4 -PerClass 3 -Seed 9 | Out-Null
Get-AudioEmbedding -Path ./new | Invoke-AudioClustering -ModelPath ./spice.json | Format-Table Name, Cluster, Confidence
'@
                Remarks = @'
-ModelPath keeps the chosen head and the standardisation learnt from the training vectors;
Invoke-AudioClustering -ModelPath puts other recordings into the same clusters without training.
'@
            }
            @{
                Title   = 'Watch the training, with the clean vectors as the strong view'
                Code    = @'
$embeddings | Invoke-SpiceTraining -ClusterCount 4 -Heads 2 -Epochs 5 -AugmentNeighbors 0 -FeatureDropout 0 -L2Normalize -Verbose 4>&1 |
    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
'@
                Remarks = @'
The verbose stream shows the stages and settings that ran, per epoch the training loss, the
selection loss and the lowest head, then the head kept with every head's loss and the speed.
'@
            }
            @{
                Title   = 'Run stage 3: train the BYOL-A encoder on the clips, save it, and assign new recordings'
                Code    = @'
[AudioCluster.Encoders.ByolaEncoder]::new([AudioCluster.Encoders.ByolaEncoderOptions]@{ RandomDimensions = 64; Seed = 1 }).Save("$PWD/byola64.pth")
$byola = Get-ChildItem ./demo -Filter *.wav | Get-AudioEmbedding -Encoder ByolA -ModelPath ./byola64.pth -LabelPattern '^(?<label>[a-z]+)_'
$byola | Invoke-SpiceTraining -ClusterCount 4 -Heads 2 -Steps 100 -Standardize -EncoderModelPath ./byola64.pth -SemiEpochs 1 -SemiBatchSize 8 `
    -ReliableNeighbors 10 -ReliableRatio 0.6 -ReliableConfidence 0.5 -ModelPath ./spice3.json -Force | Measure-ClusterQuality
Get-ChildItem ./new -Filter *.wav |
    Get-AudioEmbedding -Encoder ByolA -ModelPath ./spice3.encoder.pth |
    Invoke-AudioClustering -ModelPath ./spice3.json | Format-Table Name, Cluster, Confidence
'@
                Remarks = @'
Saves a small random BYOL-A encoder (for real recordings use the authors' weights,
AudioNTT2020-BYOLA-64x96d512.pth), embeds the clips with it, and runs stages 2 and 3 with
reliability thresholds lowered for 40 clips. spice3.json and spice3.encoder.pth then put the
recordings of the second example into the same clusters.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-TemiTraining', 'Invoke-AudioClustering', 'Get-AudioEmbedding', 'Measure-ClusterQuality')
    }

    'Measure-ClusterQuality' = @{
        Synopsis    = 'Scores clusters: against known labels (NMI, ARI, AMI, Hungarian accuracy, purity, V-measure and more) and, from the vectors alone, by silhouette, Calinski-Harabasz and Davies-Bouldin, as scikit-learn computes them.'
        Description = @'
Measure-ClusterQuality scores a clustering and writes one AudioCluster.Metrics.ClusterQuality
object. It reads the cluster of each input from its Cluster property, the true class from its
Label property and the vector from its Vector property (-ClusterProperty, -LabelProperty and
-VectorProperty name others), so it takes ClusterAssignment objects from Invoke-AudioClustering as
well as any other objects, for example rows from Import-Csv. Labels and clusters are compared as
text, and only the partition matters: renaming clusters or classes changes nothing.

With labels, it compares the clusters with the true classes. The metrics are those of
scikit-learn, with natural logarithms: NMI (normalized_mutual_info_score, averaged as -NmiAverage
says, arithmetic by default as in scikit-learn), ARI (adjusted_rand_score), AMI
(adjusted_mutual_info_score, arithmetic average), Homogeneity, Completeness and VMeasure,
RandIndex (rand_score), FowlkesMallows, the mutual information and both entropies in nats.
Accuracy is the fraction of inputs that are right after the best one-to-one matching of clusters
to classes (Hungarian algorithm; it works when the numbers of clusters and classes differ), and
Purity the fraction that belong to the majority class of their cluster.

With vectors, it also computes three internal indices, which need no labels: the mean Silhouette
(-1 to 1, higher is better; scikit-learn's silhouette_score with Euclidean distances),
CalinskiHarabasz (the ratio of between- to within-cluster dispersion, higher is better) and
DaviesBouldin (the mean similarity of each cluster to its closest one, 0 or more, lower is
better). They are computed over every input that has a vector, labelled or not, and leave noise
points out. They need at least 2 clusters and fewer clusters than points; otherwise they stay
empty (-Verbose says why). Above -SilhouetteSampleSize points the silhouette, which costs
O(n^2), is estimated on a seeded random sample of that size; the other two are always exact.
Without any labels only these are computed: the label metrics are NaN and Classes is 0.

Cluster -1 is treated as noise, as Dbscan and Hdbscan write it: it is never counted in Clusters,
NoisePoints counts its members and AccuracyNoiseAsWrong counts them as wrong. -NoiseHandling says
what the label metrics do with it: OwnCluster (default, as scikit-learn) treats the noise as one
more cluster; Exclude leaves noise points out, so N, the label metrics and NoisePoints (then 0)
cover only the clustered points. The internal indices always leave noise out.

With -ConfusionMatrix the cmdlet also writes the contingency table after the ClusterQuality
object: one row per class, with a Label property and one property per cluster holding the
number of inputs of that class in that cluster. Numeric ids sort by value.

The cmdlet collects its input and measures when the input ends. An input without the cluster
property is a non-terminating error (NoCluster) and is left out. Inputs without a label are left
out of the label metrics with one warning that counts them; when no input has a label and the
vectors are scored alone, there is no warning. Vectors of different lengths give a
warning and no internal indices. When no input has both a label and a cluster, and the inputs do
not all carry a vector either, the cmdlet stops with a terminating error (NoLabelledInput):
import the audio with -LabelPattern or -LabelFromDirectory to give it labels.
'@
        Parameters  = @{
            InputObject          = 'The objects to score, normally ClusterAssignment objects from Invoke-AudioClustering on the pipeline. Each needs the property named by -ClusterProperty, and the one named by -LabelProperty or -VectorProperty (or both).'
            LabelProperty        = 'The property that holds the true class of each input; Label by default. Inputs where it is missing or empty are left out of the label metrics.'
            ClusterProperty      = 'The property that holds the cluster of each input; Cluster by default. An input without it is a non-terminating error. The value -1 is noise.'
            VectorProperty       = @'
The property that holds the vector of each input, for the internal indices (silhouette,
Calinski-Harabasz, Davies-Bouldin); Vector by default. It must hold numbers (float[], double[]
or any list of numbers, as Invoke-AudioClustering takes); when any input lacks one, the internal
indices are not computed. The Vector of a ClusterAssignment is the
input vector before -Standardize and -L2Normalize, so the indices measure the clusters in that
space.
'@
            NmiAverage           = @'
How NMI normalises the mutual information: Arithmetic (default, scikit-learn's default),
Geometric, Min or Max mean of the two entropies, as average_method in scikit-learn. AMI always
uses the arithmetic mean.
'@
            ConfusionMatrix      = 'Also writes the contingency table, one object per class (a Label property and one property per cluster), after the ClusterQuality object.'
            NoiseHandling        = @'
What the label metrics do with noise points (cluster -1, from Dbscan and Hdbscan): OwnCluster
(default) counts the noise as one more cluster, as scikit-learn's metrics do when given the -1
labels; Exclude leaves noise points out, so N counts only the clustered points. The internal
indices leave noise out either way.
'@
            SilhouetteSampleSize = @'
Above this many clustered points, the silhouette is estimated on a random sample of this size,
drawn with a fixed seed (scikit-learn's sample_size), because it costs O(n^2) time; at least 100,
20000 by default. Calinski-Harabasz and Davies-Bouldin always use every point.
'@
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Clustering.ClusterAssignment'; Description = 'Assignments from Invoke-AudioClustering.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a cluster property, and a label property, a vector property or both.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Metrics.ClusterQuality'
                Description = @'
The scores: NMI, NmiAverage, ARI, AMI, Accuracy, AccuracyNoiseAsWrong, Purity, Homogeneity,
Completeness, VMeasure, RandIndex, FowlkesMallows, MutualInformation, LabelEntropy,
ClusterEntropy (NaN without labels), N (inputs measured), Clusters, Classes, NoisePoints, and
Silhouette, CalinskiHarabasz and DaviesBouldin (empty without vectors). The default view is a
table of NMI, ARI, AMI, Accuracy, Purity, VMeasure, Silhouette, N, Clusters and Classes;
Format-List * shows everything.
'@
            }
            @{
                Type        = 'System.Management.Automation.PSObject'
                Description = 'With -ConfusionMatrix, one row of the contingency table per class (type name AudioCluster.ConfusionRow), after the ClusterQuality object.'
            }
        )
        Notes       = @'
The values match scikit-learn 1.2 (sklearn.metrics: normalized_mutual_info_score,
adjusted_rand_score, adjusted_mutual_info_score, silhouette_score, calinski_harabasz_score,
davies_bouldin_score and the others) to floating-point precision; the module's tests compare
them with references computed by scikit-learn. NMI is normalized_mutual_info_score with its
default average_method='arithmetic' unless -NmiAverage says otherwise. A sampled silhouette uses
the module's own random generator, so its sample is not the one scikit-learn draws for the same
random_state.

Clustering never sees the labels: they only serve this measure. The internal indices judge
compactness and separation only; a high silhouette does not mean the clusters are the classes
you care about, and density-based clusters of irregular shape can score low on all three.
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
Shows NMI, ARI, AMI, accuracy, purity, V-measure and the silhouette for the 40 clips, with the
numbers of inputs, clusters and classes.
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
                Title   = 'Judge clusters without labels'
                Code    = @'
$clusters | Select-Object Name, Cluster, Vector | Measure-ClusterQuality |
    Format-List N, Clusters, Silhouette, CalinskiHarabasz, DaviesBouldin, NMI
'@
                Remarks = @'
Drops the labels: the silhouette, Calinski-Harabasz and Davies-Bouldin indices are computed from
the vectors alone, and NMI (like every label metric) is NaN. Useful for comparing settings on
recordings that nobody has labelled.
'@
            }
            @{
                Title   = 'Score a density-based clustering with and without its noise'
                Code    = @'
$dense = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -Method Dbscan -MinSamples 4 -L2Normalize
foreach ($handling in 'OwnCluster', 'Exclude') {
    $quality = $dense | Measure-ClusterQuality -NoiseHandling $handling
    [pscustomobject]@{ NoiseHandling = $handling; NMI = $quality.NMI; ARI = $quality.ARI; N = $quality.N; NoisePoints = $quality.NoisePoints }
}
'@
                Remarks = @'
DBSCAN leaves a few clips as noise (cluster -1). By default the noise counts as a cluster of its
own; with -NoiseHandling Exclude the noise points are left out, so N is smaller and the scores
describe only the clips that were clustered.
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
of the entropies; Accuracy is 0.75 (three of four right after matching). The rows carry no
vectors, so the internal indices stay empty.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering')
    }

    'Export-ClusterReport' = @{
        Synopsis    = 'Writes a self-contained HTML report of a clustering: a map of the clips to hover and play, a card per cluster with players and its mean spectrogram, the quality scores and the confusion matrix.'
        Description = @'
Export-ClusterReport collects the clips of a clustering, normally the ClusterAssignment objects
of Invoke-AudioClustering, and writes one HTML file that opens in any browser straight from disk:
the styles, the script, the data, the images and (for small sets) the audio are all inside it,
and it loads nothing from the network. The page has:

- A map of the clips, coloured by cluster or, when the clips have labels, by label. Hovering a
  point shows the file name, label, cluster and confidence; clicking it plays the clip. The
  mouse wheel zooms, dragging pans, and clicking a legend entry picks out one group. The map is
  drawn on a canvas, so it stays responsive with tens of thousands of clips.
- A card per cluster, largest first: its size, its most common labels and tags, players for its
  most confident clips (-ExamplesPerCluster) and the mean log-mel spectrogram of up to 16 of its
  clips (decoded at 16 kHz, at most 10 seconds each, 64 mel bands from 60 to 7800 Hz).
- The quality scores: those given with -Quality or, without it, NMI, ARI, AMI, accuracy,
  purity, V-measure, homogeneity and completeness over the labelled clips and the silhouette
  (on a sample of 2000 clips above that), Calinski-Harabasz and Davies-Bouldin indices from the
  vectors, as Measure-ClusterQuality computes them.
- With labels, the confusion matrix of labels (rows) against clusters (columns) as a heat map.
  Each cluster matched to a label by the Hungarian algorithm is placed on that label's row of
  the diagonal and outlined; unmatched clusters and the noise cluster (-1) follow.

The map places the clips by their Vector: two-dimensional vectors are used as they are (for
example the output of Compress-AudioEmbedding -Dimensions 2); longer ones are projected to two
dimensions by -Map: Pca (default, quick), Tsne or Umap (slower, they keep neighbourhoods
better). -Standardize and -L2Normalize prepare the vectors first, as for Invoke-AudioClustering.

The players play the original files. With -EmbedAudio Auto (default) the audio is embedded in
the page when the files add up to less than 20 MB, so the report can be mailed or moved
alone; larger sets are linked by paths relative to the report's folder, so keep the report and
the audio in the same places relative to each other. -EmbedAudio Always and Never choose
explicitly. Formats that browsers cannot play (AIFF, WMA ...) are embedded as 16 kHz WAV.
Inputs whose Source is not an existing file (vectors from elsewhere) appear on the map without a
player or a spectrogram.

Clip tags, such as the AudioSet classes an encoder predicts, are counted per cluster when the
inputs carry them: a TopTag property (one tag) and a Tags property (a list of strings or of
objects with a Name, Label or Tag property, best first; the first three are counted).

The cmdlet collects its input and writes the report when the input ends. An input without a
Cluster property, or without a numeric Vector of the same length as the first, is a
non-terminating error and is left out. An existing file is overwritten only with -Force; the
report is written to a temporary file that replaces the target only when complete, so a stopped
or failed run leaves no half-written report. It writes the FileInfo of the report.
'@
        Parameters  = @{
            InputObject        = @'
The clips: ClusterAssignment objects from Invoke-AudioClustering (or another clustering cmdlet),
or any objects with a Cluster property and a numeric Vector property. Source (or FullName, Path, Name),
Label, Confidence, Distance, TopTag and Tags are read where present.
'@
            Path               = 'The HTML file to write. A relative path is relative to the current location. Without -Force, an existing file is an error raised before any work.'
            Title              = 'The heading and window title of the page; "Audio clusters" by default.'
            Map                = @'
How vectors with more than two dimensions are placed on the map: Pca (default: the first two
principal components, in a moment even for large sets), Tsne (t-SNE, perplexity 30 or less for
small sets) or Umap (UMAP with 15 neighbours). Two-dimensional vectors are always used as they
are.
'@
            Quality            = @'
Scores to show, a ClusterQuality object from Measure-ClusterQuality (for example with other
options such as -NmiAverage Geometric or -NoiseHandling Exclude). Without it, the report
computes the label metrics where the clips have labels and the internal indices from the
vectors.
'@
            EmbedAudio         = @'
Whether the page carries the audio: Auto (default) embeds it when the files add up to less than
20 MB and links to them otherwise; Always embeds whatever the size (the page grows by about 4/3
of the audio); Never links to the files by paths relative to the report's folder.
'@
            ExamplesPerCluster = 'Players on each cluster card, the most confident clips first (or those nearest the cluster centre, for methods without a confidence); 3 by default, 0 to 50.'
            Seed               = 'The seed of the t-SNE or UMAP map (0 by default): the same seed gives the same map.'
            Standardize        = 'Scales each vector dimension to zero mean and unit variance before the map is computed.'
            L2Normalize        = 'Scales each vector to unit length before the map is computed (after -Standardize when both are given).'
            Force              = 'Overwrites an existing file.'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Clustering.ClusterAssignment'; Description = 'Assignments from Invoke-AudioClustering.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a Cluster property and a numeric Vector property.' }
        )
        Outputs     = @(
            @{ Type = 'System.IO.FileInfo'; Description = 'The report file.' }
        )
        Notes       = @'
The page needs no server: open it with a double click, or from a shell, for example with
Invoke-Item ./report.html. It works in current Chrome, Edge, Firefox and Safari. Browsers may
refuse to play linked files from another drive or a network share opened as a file; embed the
audio (-EmbedAudio Always) for a report that must travel.

Cluster numbers are arbitrary; the confusion matrix orders the clusters by their matched label
so that a good clustering shows a strong diagonal.
'@
        Examples    = @(
            @{
                Title   = 'Report on a clustering of labelled clips'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
$clusters = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ClusterCount 4 -L2Normalize
$clusters | Export-ClusterReport -Path ./report.html -Title 'Synthetic sounds'
'@
                Remarks = @'
Writes report.html with the 40 clips on a PCA map, four cluster cards with players and mean
spectrograms, the scores against the labels and the confusion matrix. The audio (1.2 MB) is
embedded. Open it with Invoke-Item ./report.html.
'@
            }
            @{
                Title   = 'A t-SNE map, linked audio and scores from Measure-ClusterQuality'
                Code    = @'
$quality = $clusters | Measure-ClusterQuality -NmiAverage Geometric
$clusters | Export-ClusterReport -Path ./report-tsne.html -Map Tsne -EmbedAudio Never -Quality $quality
'@
                Remarks = @'
Places the clips by t-SNE, shows the scores as Measure-ClusterQuality computed them (NMI with the
geometric average) and links the players to ./demo/*.wav instead of embedding them, which keeps
the page small. Uses $clusters from Example 1.
'@
            }
            @{
                Title   = 'Replace a report, after checking what would happen'
                Code    = @'
$clusters | Export-ClusterReport -Path ./report.html -Force -WhatIf
$clusters | Export-ClusterReport -Path ./report.html -Force -ExamplesPerCluster 5
'@
                Remarks = @'
-WhatIf names the file and the number of clips and writes nothing; the second command
overwrites the report of Example 1 with five players per cluster.
'@
            }
            @{
                Title   = 'Any objects with a cluster and a 2-D vector, with tags'
                Code    = @'
$random = [Random]::new(1)
$points = foreach ($i in 1..5000) {
    $group = $i % 5
    [pscustomobject]@{
        Source  = "point$i"
        Cluster = $group
        TopTag  = ('Speech', 'Music', 'Dog', 'Car', 'Rain')[$group]
        Vector  = [float[]]@((3 * $group + 2 * $random.NextDouble()), ($group % 2 + 2 * $random.NextDouble()))
    }
}
$points | Export-ClusterReport -Path ./points.html -Title '5000 points'
'@
                Remarks = @'
The vectors are two-dimensional, so they are the map's positions as they are. The points have
no audio and no labels: the report shows the map, the cards with their top tags and the
label-free scores (silhouette, Calinski-Harabasz, Davies-Bouldin), without a confusion matrix.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering', 'Measure-ClusterQuality', 'Export-Spectrogram')
    }

    'Export-Spectrogram' = @{
        Synopsis    = 'Draws spectrograms as PNG images with a colour map, a dB scale and axes in Hz and seconds: one image per clip, or many clips in one grid.'
        Description = @'
Export-Spectrogram draws spectrograms as PNG images: time runs to the right, frequency upwards,
and the level in decibels below the clip's loudest point is mapped to colours (-ColorMap
Viridis, Magma or Gray) over -DynamicRange decibels (80 by default); anything quieter gets the
lowest colour. The axes are labelled in Hz and seconds and a colour bar shows the dB scale. The
images are drawn and encoded by the module itself, with no graphics library.

It takes audio files (paths, with wildcards, or FileInfo objects from Get-ChildItem), AudioClip
objects from Import-Audio, or Spectrogram objects from Get-Spectrogram. Audio is mixed down to
mono, resampled to -SampleRate (16 kHz by default) and turned into a log-mel spectrogram with
128 mel bands from 0 Hz to half the sample rate (-FrequencyScale Mel, the default) or a linear
power spectrogram (-FrequencyScale Linear); both use 64 ms windows and a 10 ms hop. On a mel
image the frequency ticks sit at the true frequencies, so they crowd towards the top.
Spectrogram objects are drawn as they are, with the frequency axis they were computed with: mel
and log-mel spectrograms with their mel bands and range, power spectrograms linearly, MFCC with
coefficient numbers and a plain min-to-max colour scale.

Where the images go depends on -Path:
- a name ending in .png: one image, for exactly one clip (more clips are an error, raised before
  anything is written), or every clip in one grid with -Grid;
- a folder (an existing folder, or a name without .png, created when missing): one image per
  clip, named after the clip's file (tone_000.wav gives tone_000.png; a second clip with the
  same name gets -2, -3 ...);
- a name template with {Name}, {Label} or {Index} (the clip's file name without extension, its
  label, and its number in the input from 000): one image per clip, for example
  './images/{Label}/{Name}.png'. Quote it, since braces mean a script block to PowerShell.

-Width and -Height give the size of each image, axes included (1000 x 460 by default), or of each
cell of a grid (360 x 200 by default; -Columns cells per row, near square by default). A grid
gives each clip its own title and ticks and has one colour bar.

Existing files are overwritten only with -Force: for a single image or a grid that is an error
raised before any work; in a folder or template each existing file is a non-terminating error
and the other clips go on. Every image is written to a temporary file first and renamed, so an
interrupted run leaves no broken image. A file that cannot be decoded is a non-terminating
error naming it. The cmdlet writes the FileInfo of each image.
'@
        Parameters  = @{
            Path           = 'Where to write: a .png file (one clip, or the grid with -Grid), a folder (one image per clip, named after it) or a name template with {Name}, {Label} or {Index}. Relative paths are relative to the current location.'
            InputObject    = @'
What to draw: Spectrogram objects from Get-Spectrogram, AudioClip objects from Import-Audio,
paths of audio files or folders (wildcards allowed) or FileInfo objects from Get-ChildItem, on
the pipeline.
'@
            Grid           = 'Draws every input into one image, -Columns cells to a row, instead of one image per clip. -Path must then be a .png file name.'
            Columns        = 'Cells per row of a -Grid image; 0 (default) picks the smallest number of columns that makes the grid at least as high as it is wide in cells.'
            ColorMap       = 'The colours of the levels: Viridis (default, dark blue to yellow), Magma (black through purple and orange to pale yellow) or Gray (black to white).'
            DynamicRange   = 'How many decibels below each clip''s peak the colour scale spans, 10 to 200; 80 by default. Levels further down get the lowest colour. MFCC images ignore it.'
            FrequencyScale = 'The frequency axis of spectrograms computed from audio: Mel (default: 128 log-mel bands, more detail at low frequencies, as people hear) or Linear (the STFT power, evenly spaced in Hz). Spectrogram inputs keep their own.'
            SampleRate     = 'The rate audio is resampled to before its spectrogram is computed, 4000 to 384000 Hz; 16000 by default. The frequency axis reaches half of it.'
            Width          = 'Width in pixels of each image, or of each grid cell, axes and colour bar included; 0 (default) means 1000, or 360 for a grid cell. At least 120.'
            Height         = 'Height in pixels of each image, or of each grid cell, title and axes included; 0 (default) means 460, or 200 for a grid cell. At least 80.'
            Force          = 'Overwrites existing image files.'
        }
        Defaults    = @{
            Width  = '0 (1000, or 360 per grid cell)'
            Height = '0 (460, or 200 per grid cell)'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Features.Spectrogram'; Description = 'Spectrograms from Get-Spectrogram, drawn as they are.' }
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Audio files from Get-ChildItem or Get-Item.' }
        )
        Outputs     = @(
            @{ Type = 'System.IO.FileInfo'; Description = 'Each image written.' }
        )
        Notes       = @'
The levels are relative to each clip's own peak, so images of a quiet and a loud clip look
alike; compare absolute levels with Get-Spectrogram's numbers instead.

A Spectrogram made by other code without its settings is drawn as if it had Get-Spectrogram's
defaults (HTK mel bands from 60 to 7800 Hz).
'@
        Examples    = @(
            @{
                Title   = 'One image per file'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Get-ChildItem ./demo -Filter *_000.wav | Export-Spectrogram -Path ./spectrograms
'@
                Remarks = @'
Writes chirp_000.png, clicks_000.png, noise_000.png and tone_000.png into ./spectrograms (created
as needed): 1000 x 460 pixels, log-mel with 128 bands up to 8 kHz, Viridis colours over 80 dB.
'@
            }
            @{
                Title   = 'Many clips in one grid'
                Code    = @'
Export-Spectrogram -InputObject (Get-ChildItem ./demo/*_00[0-2].wav) -Path ./grid.png -Grid -Columns 3 -ColorMap Magma
'@
                Remarks = @'
Draws the first three clips of each class in one image, three to a row, each cell titled with
its file name, with one colour bar.
'@
            }
            @{
                Title   = 'Name the images after the labels, on a linear frequency axis'
                Code    = @'
Import-Audio ./demo/chirp_00*.wav -LabelPattern '^(?<label>[a-z]+)_' |
    Export-Spectrogram -Path './by-label/{Label}_{Index}.png' -FrequencyScale Linear -DynamicRange 60
'@
                Remarks = @'
Writes chirp_000.png to chirp_009.png into ./by-label. The linear axis shows how far each chirp
rises in Hz; the 60 dB range hides the faint background noise.
'@
            }
            @{
                Title   = 'Draw a spectrogram as Get-Spectrogram computed it'
                Code    = @'
Get-Spectrogram ./demo/tone_000.wav -MelBins 96 -MaxFrequency 8000 |
    Export-Spectrogram -Path ./tone.png -Width 800 -Height 360 -ColorMap Gray
'@
                Remarks = @'
The image keeps the 96 mel bands from 60 Hz to 8 kHz that Get-Spectrogram used, with ticks at
their frequencies.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-Spectrogram', 'Export-ClusterReport')
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

    'Invoke-ClusteringBenchmark' = @{
        Synopsis    = 'Runs the benchmark grid on labelled audio: encoders x reducers x normalisations x clustering methods, one scored result per cell.'
        Description = @'
Invoke-ClusteringBenchmark answers "which encoder, reduction, normalisation and clustering method
group this data best?" in one command. It embeds a labelled folder once per encoder (through
Get-AudioEmbedding, so every encoder option behaves as there), or takes embeddings from the
pipeline (grouped by their Encoder id), then runs every combination of -Reducer,
-Normalization and -Method, scores each against the labels and writes one
AudioCluster.Reporting.BenchmarkCell per combination: NMI (arithmetic), NMIGeometric, ARI,
Accuracy (Hungarian), the number of clusters found and the seconds taken, each the mean over
-Seed (NMIStd is the standard deviation of NMI over the seeds).

Embeddings are computed once per encoder and reused across cells. Methods that need a cluster
count get -ClusterCount, or the number of classes when it is omitted. A cell whose method refuses
the data (for example a count larger than the input) gives a warning and a cell with NaN scores;
the grid goes on. -MarkdownPath also writes the grid as a markdown table: a row per encoder,
reducer and normalisation, a column per method, each cell "NMI (ARI)" (with the spread over seeds
when there are several).

Progress shows the cells done; Ctrl+C stops after the cell in flight.
'@
        Parameters  = @{
            Path               = 'Folder of labelled audio files. Each encoder embeds it once.'
            LabelPattern       = @'
Regular expression applied to each file name; its named group 'label' is the true class, for
example '^(?<label>\d)_' for FSDD's "7_jackson_32.wav".
'@
            LabelFromDirectory = 'Use the name of the folder that holds each file as its true class.'
            Recurse            = 'Also embed the audio files in subfolders of -Path.'
            Encoder            = @'
Encoders to compare: MelStats (the default), ByolA and Onnx. ByolA uses random weights unless
-ModelPath names a weights file; Onnx needs its model in -ModelPath.
'@
            ModelPath          = @'
A hashtable from encoder name to its weights file, for example
@{ ByolA = './AudioNTT2020-BYOLA-64x96d512.pth'; Onnx = './mn04_as_embed.onnx' }.
'@
            InputObject        = @'
Embeddings from Get-AudioEmbedding (or any objects with Vector, Label and Encoder properties),
instead of -Path. Embeddings of several encoders may be mixed; they are grouped by Encoder.
'@
            Reducer            = @'
Reductions to try before clustering: None (the default), Pca (32 dimensions), Umap (10
dimensions) and Tsne (2 dimensions).
'@
            Normalization      = 'Normalisations to try first: Standardize (z-scores) and L2Normalize (the default pair), or None.'
            Method             = @'
Clustering methods to try, as Invoke-AudioClustering's -Method: KMeans and Agglomerative by
default; MiniBatchKMeans, Dbscan, Hdbscan, MeanShift, GaussianMixture and Spectral too.
'@
            ClusterCount       = 'Clusters for the methods that need a count. Omitted: the number of distinct labels.'
            Seed               = 'Seeds to run every cell with; scores are averaged over them. 0 by default.'
            MarkdownPath       = 'Also write the grid as a markdown table to this file (written whole, through a temporary file).'
            Force              = 'Overwrite -MarkdownPath when it exists.'
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings to benchmark, with labels, bound to -InputObject.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Reporting.BenchmarkCell'
                Description = @'
One cell per encoder, reducer, normalisation and method: Encoder, Reducer, Normalization, Method,
NMI, NMIStd, NMIGeometric, ARI, Accuracy, Clusters, Seconds, Seeds, and Error when the method
refused the data.
'@
            }
        )
        Notes       = @'
The scores are scikit-learn's (normalized_mutual_info_score, adjusted_rand_score) and the
accuracy is taken after the optimal one-to-one matching of clusters to classes, as
Measure-ClusterQuality computes them. Seconds cover the reduction and the clustering of the cell,
not the embedding.
'@
        Examples    = @(
            @{
                Title   = 'Compare methods and normalisations on a labelled folder'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 10 | Out-Null
Invoke-ClusteringBenchmark -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' -Method KMeans, Agglomerative, GaussianMixture
'@
                Remarks = @'
Embeds ./demo once with MelStats and writes six cells: three methods on z-scored and on
L2-normalised vectors.
'@
            }
            @{
                Title   = 'Average over seeds, add PCA, and write the markdown table'
                Code    = @'
Invoke-ClusteringBenchmark -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' -Reducer None, Pca -Seed 0, 1, 2 -MarkdownPath ./grid.md -Force
Get-Content ./grid.md
'@
                Remarks = @'
Every cell runs with three seeds; NMIStd shows how much the result moves with the seed. The
table in grid.md has one row per reducer and normalisation and one column per method.
'@
            }
            @{
                Title   = 'Benchmark embeddings computed earlier'
                Code    = @'
$embeddings = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_'
$embeddings | Invoke-ClusteringBenchmark -Normalization L2Normalize -Method KMeans, Spectral |
    Sort-Object NMI -Descending | Select-Object -First 1 Method, NMI, ARI
'@
                Remarks = @'
Takes the embeddings from the pipeline instead of a folder, and shows the best cell.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Invoke-AudioClustering', 'Measure-ClusterQuality', 'Get-AudioEmbedding')
    }

    'Export-AudioEmbedding' = @{
        Synopsis    = 'Writes embeddings or cluster assignments to a Parquet, CSV or NumPy file that pandas, pyarrow, DuckDB, Spark or NumPy read.'
        Description = @'
Export-AudioEmbedding collects the objects on the pipeline (AudioEmbedding objects from
Get-AudioEmbedding, ClusterAssignment objects from Invoke-AudioClustering, or any objects with a
numeric Vector property) and writes them as one table, one row per object, with the columns
source, label, cluster, encoder and vector. The format follows the extension of -Path, or -Format:

- Parquet (.parquet): source (string), label (string, may be null), cluster (int32, null where
  the input has no Cluster property), encoder (string, may be null) and vector (list<float>, the
  standard three-level LIST). pandas.read_parquet, pyarrow.parquet.read_table, DuckDB's
  read_parquet and Spark read it as it is.
- CSV (.csv): UTF-8 with the header source,label,cluster,encoder,vector. The vector is one field
  of space-separated numbers, each in its shortest form that reads back to the same float, so
  the file has five columns whatever the dimension, and rows of different encoders can share it.
  An empty label or cluster means none. In pandas:
  df.vector.str.split().apply(lambda v: np.array(v, dtype=np.float32)).
- NPY (.npy): the vectors only, as a little-endian float32 matrix of shape (rows, dimensions)
  that numpy.load reads; the other columns go to a CSV beside it named after it with .rows.csv
  (x.npy and x.rows.csv, in the same row order). All vectors must have the same length.

Reading the file back with Import-AudioEmbedding gives every vector bit for bit (-0, subnormal
numbers and the last digit included), for all three formats.

Every write goes to a temporary file in the same folder that replaces the target by a rename
once it is complete, so an interrupted or failed export leaves the old file as it was, never a
half-written one. An existing file is replaced only with -Force. -Append adds the rows to an
existing file instead (a Parquet file gets one more row group; a CSV or NPY file more rows),
also through a complete copy and a rename; without a file it writes a new one. Appending to a
file that was not written in this layout is refused without changing it.

The cmdlet writes nothing until its input ends (it holds the vectors, about 4 bytes per number),
then writes the FileInfo of the file. -WhatIf shows what would be written; -Confirm asks first.
An input without a usable vector is a non-terminating error and is left out.
'@
        Parameters  = @{
            Path        = @'
The file to write. Its extension chooses the format (.parquet or .pq, .csv, .npy) unless
-Format is given. Relative paths are resolved against the current location; the folder is
created when missing. For NPY the rows file (name.rows.csv) is written beside it.
'@
            InputObject = @'
The objects to write, normally from the pipeline: AudioEmbedding or ClusterAssignment objects,
or any objects with a numeric Vector property. Source, Label, Cluster and Encoder are taken from
the properties of those names when present (Source also from FullName, Path or Name).
'@
            Format      = @'
Parquet, Csv or Npy, whatever the extension of -Path. Auto (the default) takes the format from
the extension.
'@
            Append      = @'
Adds the rows to the existing file instead of replacing it: a new row group in Parquet, new
rows at the end of a CSV or NPY file (whose vectors must have the same length). The file must
have been written in this layout. Cannot be combined with -Force.
'@
            Force       = @'
Replaces an existing file (for NPY, also its rows file). Without -Force or -Append an existing
file is a terminating error raised before any input is read.
'@
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'Embeddings from Get-AudioEmbedding or Import-AudioEmbedding.' }
            @{ Type = 'AudioCluster.Clustering.ClusterAssignment'; Description = 'Assignments from Invoke-AudioClustering; their Cluster goes to the cluster column.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with a numeric Vector property.' }
        )
        Outputs     = @(
            @{ Type = 'System.IO.FileInfo'; Description = 'The file written (for NPY, the .npy file; its .rows.csv lies beside it).' }
        )
        Notes       = @'
Parquet is written with Parquet.Net (managed code, Snappy compression). Reading the file in
Python:
  import pandas as pd, numpy as np
  df = pd.read_parquet('embeddings.parquet')
  X = np.stack(df.vector.to_numpy())
and in DuckDB: SELECT source, cluster, vector FROM 'embeddings.parquet'.
'@
        Examples    = @(
            @{
                Title   = 'Embeddings and their clusters to Parquet'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 3 -PerClass 5 | Out-Null
$clusters = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ClusterCount 3 -L2Normalize -Seed 0
$clusters | Export-AudioEmbedding -Path ./clusters.parquet
'@
                Remarks = @'
Writes one row per clip with its source, label, cluster, encoder id and 208-number vector, and
shows the FileInfo of clusters.parquet.
'@
            }
            @{
                Title   = 'Add the embeddings of new files to the same file'
                Code    = @'
New-SyntheticAudioSet -Path ./more -ClassCount 2 -PerClass 2 -Seed 7 | Out-Null
Get-AudioEmbedding -Path ./more | Export-AudioEmbedding -Path ./clusters.parquet -Append
(Import-AudioEmbedding ./clusters.parquet).Count
'@
                Remarks = @'
-Append adds a row group with the 4 new rows (their cluster column is empty); the file now has 19
rows. An incremental job can append each day's embeddings this way.
'@
            }
            @{
                Title   = 'CSV and NumPy copies of the same table'
                Code    = @'
$clusters | Export-AudioEmbedding ./clusters.csv -Force
$clusters | Export-AudioEmbedding ./clusters.npy -Force
Get-Content ./clusters.rows.csv -TotalCount 3
'@
                Remarks = @'
clusters.csv has the vector as one space-separated field; clusters.npy holds the 15 x 208 float32
matrix for numpy.load, and clusters.rows.csv its sources, labels, clusters and encoder ids in
the same order.
'@
            }
            @{
                Title   = 'See what would be replaced'
                Code    = @'
$clusters | Export-AudioEmbedding ./clusters.parquet -Force -WhatIf
'@
                Remarks = @'
Prints the operation (writing 15 embeddings to clusters.parquet) and leaves the file as it is.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Import-AudioEmbedding', 'Get-AudioEmbedding', 'Invoke-AudioClustering')
    }

    'Import-AudioEmbedding' = @{
        Synopsis    = 'Reads embeddings from a Parquet, CSV or NumPy file written by Export-AudioEmbedding or by another tool.'
        Description = @'
Import-AudioEmbedding reads an embedding table and writes one AudioCluster.Encoders.AudioEmbedding
per row, in file order, ready for Invoke-AudioClustering, Compress-AudioEmbedding or
Measure-ClusterQuality. Where the row has a cluster, the embedding gets a Cluster note property,
so that exported assignments can be scored again with Measure-ClusterQuality.

The format follows the extension (.parquet or .pq, .csv, .npy) unless -Format is given:

- Parquet: any file with a source column (text) and a vector column (a list of float or double);
  label, cluster (int32 or int64) and encoder columns are read when present, other columns are
  ignored. Files written by pandas, pyarrow, DuckDB or Spark in that shape are read too.
- CSV: a header with at least source and vector (space-separated numbers); label, cluster and
  encoder are read when present. An empty field means none.
- NPY: a 2-D float32 or float64 matrix in C order (numpy.save), with the rows file name.rows.csv
  beside it for sources, labels, clusters and encoder ids. Without a rows file the rows are
  named after the file (x.npy#0, x.npy#1 ...), with a warning.

A file that cannot be read (missing, damaged, another layout, a rows file whose row count
differs from the matrix) is a non-terminating error naming the file; the other files are still
read. Rows read before a damaged part of a file have already been written.
'@
        Parameters  = @{
            Path        = @'
One or more files to read; wildcards are allowed. Strings on the pipeline bind here. A path that
matches nothing is a non-terminating error (PathNotFound).
'@
            LiteralPath = @'
One or more files used exactly as written. FileInfo objects from Get-ChildItem bind here through
their PSPath property (aliases PSPath, FullName and LP).
'@
            Format      = @'
Parquet, Csv or Npy, whatever the extension. Auto (the default) takes the format from the
extension of each file.
'@
        }
        Inputs      = @(
            @{ Type = 'System.String'; Description = 'Paths of files, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{ Type = 'AudioCluster.Encoders.AudioEmbedding'; Description = 'One embedding per row: Source, Label, Encoder (empty when the file has none) and Vector, plus a Cluster note property where the row has one.' }
        )
        Examples    = @(
            @{
                Title   = 'Write and read back a table of embeddings'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 3 -PerClass 5 | Out-Null
Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ClusterCount 3 -L2Normalize -Seed 0 |
    Export-AudioEmbedding ./clusters.parquet | Out-Null
Import-AudioEmbedding ./clusters.parquet | Select-Object -First 3 Name, Label, Cluster, Dimensions
'@
                Remarks = @'
The embeddings come back with their labels, clusters and vectors exactly as they were written.
'@
            }
            @{
                Title   = 'Score saved clusters again'
                Code    = @'
Import-AudioEmbedding ./clusters.parquet | Measure-ClusterQuality
'@
                Remarks = @'
Measure-ClusterQuality reads the Label and the Cluster note property of each embedding.
'@
            }
            @{
                Title   = 'Cluster embeddings from a NumPy file'
                Code    = @'
Import-AudioEmbedding ./clusters.parquet | Export-AudioEmbedding ./clusters.npy | Out-Null
Get-ChildItem ./clusters.npy | Import-AudioEmbedding | Invoke-AudioClustering -ClusterCount 3 -Seed 0 |
    Group-Object Cluster | Select-Object Name, Count
'@
                Remarks = @'
The .npy file and its clusters.rows.csv are read together; a matrix saved by numpy.save without
a rows file is read as well, its rows named clusters.npy#0, #1 ...
'@
            }
        )
        Links       = @('about_AudioCluster', 'Export-AudioEmbedding', 'Invoke-AudioClustering', 'Measure-ClusterQuality')
    }

    'Export-AudioCluster' = @{
        Synopsis    = 'Copies, links or moves each clustered file into one folder per cluster, never overwriting; Undo-AudioClusterExport reverses it.'
        Description = @'
Export-AudioCluster takes cluster assignments (from Invoke-AudioClustering, or any objects with
a Source and a Cluster property) and puts each file into a folder per cluster under
-Destination: cluster-00, cluster-01 ... (noise, for the -1 of DBSCAN and HDBSCAN), or, with
-NameBy Label or Tag, the label or TopTag most common in the cluster. The file keeps its name;
when that name is taken (by a file already there or by another file of the same export) it gets
_1, _2 ... before the extension. Nothing is ever overwritten.

-Mode chooses what happens to each file:

- Copy (the default): a copy, written under a temporary name and renamed when complete, so an
  interruption never leaves a partial file under the real name.
- Link: a symbolic link to the original (absolute target); the originals stay where they are.
  On Windows, creating symbolic links needs Developer Mode or administrator rights.
- Move: the file is moved (renamed; across volumes, copied then deleted).

Every export writes a manifest in the destination folder, audiocluster-export-<UTC time>.csv,
with the columns Mode, Status, Cluster, Source and Destination. For a move, the manifest with
every planned row is written (atomically) before the first file moves, and rewritten with the
final status of each file at the end, also when the export is stopped part way (Ctrl+C). So
whatever happens, the manifest knows where every file went, and Undo-AudioClusterExport puts the
files back. For Copy and Link the manifest is written after the files.

-WhatIf lists what would be done and touches nothing. -Confirm asks about each file before any
file is touched. A file that cannot be exported (gone, unreadable) is a non-terminating error;
the others go on. The output is one ClusterExportEntry per file done: Status, Cluster, Folder,
Source and Destination.
'@
        Parameters  = @{
            Destination = @'
The folder that receives the cluster folders; created when missing. Files already in it are
never overwritten.
'@
            InputObject = @'
ClusterAssignment objects from Invoke-AudioClustering, or any objects with a Source (or FullName
or Path) property naming a file and an integer Cluster property. Label and TopTag are read for
-NameBy. A file that comes in twice is exported once, with a warning.
'@
            Mode        = @'
Copy (the default) copies each file, Link makes a symbolic link to it, Move moves it (undoable
with Undo-AudioClusterExport).
'@
            NameBy      = @'
How cluster folders are named. Number (the default): cluster-00, cluster-01 ... with as many
digits as the largest cluster number needs. Label: the most common Label in the cluster. Tag:
the most common TopTag property (the top AudioSet tag that a tagging encoder gives). Names are
made safe for every file system; a name that a bigger cluster already has gets the cluster
number appended (dog, dog-cluster-03). Where no input has a label or a TopTag, the folders are
named by number, with a warning.
'@
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Clustering.ClusterAssignment'; Description = 'Assignments from Invoke-AudioClustering.' }
            @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with Source and Cluster properties, for example from Import-AudioEmbedding.' }
        )
        Outputs     = @(
            @{ Type = 'AudioCluster.Storage.ClusterExportEntry'; Description = 'One per file done: Source, Destination, Cluster, Folder, Mode and Status (Copied, Linked or Moved).' }
        )
        Examples    = @(
            @{
                Title   = 'Copy a folder of sounds into one folder per cluster'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 3 -PerClass 5 | Out-Null
$clusters = Get-AudioEmbedding -Path ./demo -LabelPattern '^(?<label>[a-z]+)_' |
    Invoke-AudioClustering -ClusterCount 3 -L2Normalize -Seed 0
$clusters | Export-AudioCluster -Destination ./sorted
Get-ChildItem ./sorted -Directory | Select-Object Name, @{ Name = 'Files'; Expression = { @(Get-ChildItem $_.FullName).Count } }
'@
                Remarks = @'
Copies the 15 clips into ./sorted/cluster-00, cluster-01 and cluster-02 and lists the folders
with their sizes. The originals stay in ./demo.
'@
            }
            @{
                Title   = 'Folders named after the labels, and a second export beside the first'
                Code    = @'
$clusters | Export-AudioCluster -Destination ./sorted -NameBy Label | Select-Object -First 3
'@
                Remarks = @'
Folders chirp, noise and tone (the most common label of each cluster) appear beside the numbered
ones; no file is overwritten.
'@
            }
            @{
                Title   = 'Move the files, then put them back'
                Code    = @'
$clusters | Export-AudioCluster -Destination ./moved -Mode Move -WhatIf
$clusters | Export-AudioCluster -Destination ./moved -Mode Move | Out-Null
Get-ChildItem ./moved -Filter 'audiocluster-export-*.csv' | Undo-AudioClusterExport | Out-Null
@(Get-ChildItem ./demo -Filter *.wav).Count
'@
                Remarks = @'
-WhatIf shows each planned move. The move itself writes the manifest into ./moved;
Undo-AudioClusterExport reads it and moves every file back, so ./demo has its 15 clips again.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Undo-AudioClusterExport', 'Invoke-AudioClustering')
    }

    'Undo-AudioClusterExport' = @{
        Synopsis    = 'Reverses an Export-AudioCluster from its manifest: moved files go back, copies and links are removed.'
        Description = @'
Undo-AudioClusterExport reads the manifest CSV that Export-AudioCluster wrote in its destination
folder and undoes the export row by row, last file first:

- Move: the file goes back to where it came from, when it is still at its destination and its
  old place is free. A file already back (or never moved, as after an interrupted export) is
  skipped. When both places hold a file, neither is touched and a non-terminating error says so.
- Copy: the copy is deleted while its original still exists; a copy whose original is gone is
  kept (it may be the only one left), with an error.
- Link: the symbolic link is deleted; a file that is no longer a link is left alone.

Nothing is ever overwritten or lost, and undoing twice changes nothing the second time. Cluster
folders left empty are removed; the destination folder and the manifest stay. The output is one
ClusterExportEntry per row, whose Status is Restored, Removed or Skipped. -WhatIf lists what
would be done; -Confirm asks for each file.
'@
        Parameters  = @{
            ManifestPath = @'
The manifest (audiocluster-export-*.csv) in the destination folder of the export. FileInfo
objects from Get-ChildItem bind here through their FullName.
'@
        }
        Inputs      = @(
            @{ Type = 'System.String'; Description = 'The path of a manifest.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'A manifest file from Get-ChildItem.' }
        )
        Outputs     = @(
            @{ Type = 'AudioCluster.Storage.ClusterExportEntry'; Description = 'One per manifest row: Status Restored (moved back), Removed (copy or link deleted) or Skipped (nothing to do).' }
        )
        Examples    = @(
            @{
                Title   = 'Sort files by moving them, then undo'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 2 -PerClass 4 | Out-Null
Get-AudioEmbedding -Path ./demo | Invoke-AudioClustering -ClusterCount 2 -Seed 0 |
    Export-AudioCluster -Destination ./sorted -Mode Move | Out-Null
$manifest = Get-ChildItem ./sorted -Filter 'audiocluster-export-*.csv'
Undo-AudioClusterExport -ManifestPath $manifest.FullName -WhatIf
Undo-AudioClusterExport -ManifestPath $manifest.FullName | Group-Object Status | Select-Object Name, Count
'@
                Remarks = @'
The first undo only shows the moves it would make; the second moves the 8 files back into ./demo
(Status Restored) and removes the emptied cluster folders.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Export-AudioCluster')
    }

    'Invoke-ByolaTraining' = @{
        Synopsis    = 'Trains the BYOL-A audio encoder on unlabelled recordings (self-supervised), writing weights that Get-AudioEmbedding -Encoder ByolA loads.'
        Description = @'
Invoke-ByolaTraining teaches the BYOL-A encoder (AudioNTT2020, the network of Get-AudioEmbedding
-Encoder ByolA) what your recordings sound like, without labels, by Bootstrap Your Own Latent as
the BYOL-A paper does it. The trained encoder is written to -ModelPath as a PyTorch state dict,
which Get-AudioEmbedding -Encoder ByolA -ModelPath loads (and PyTorch's load_state_dict too).
Embeddings from an encoder trained on the kind of audio you cluster usually group it better than
random weights do, and training can also start from the authors' weights (-InitialModelPath).

Each clip is decoded once, at 16 kHz mono, and turned into the encoder's log-mel spectrogram
(64 bands, 60 to 7800 Hz, 100 frames a second), which is kept in memory for the whole training:
about 25 KB per second of audio (64 bands x 100 frames x 4 bytes), so 1 hour of audio takes about
90 MB and 10 hours 0.9 GB. Every step then takes a batch of clips and, for each:
- a random crop of 96 frames (0.95 s, the paper's unit); a shorter clip is padded with silence
  on both sides;
- normalisation with the mean and standard deviation of all the clips' log-mel values;
- two augmented views, each drawn independently: mixup with a random one of the last 2048 inputs
  (a memory bank), mixed in the linear power domain (log-mixup-exp) with a weight drawn from 0 to
  0.4; random resize crop (the input centred on a canvas 1.5 times as long, a crop of 0.6 to 1.5
  times its height and width resized back with bicubic interpolation); random linear fader (a
  straight line from a random gain to another, each between -1 and 1, added over time);
- the batch of views normalised to zero mean and unit variance.
The online network (the encoder, a projector MLP: linear d to 4096, batch norm, ReLU, linear to
256; and a predictor MLP of the same shape from 256 to 256) learns to predict, from one view, the
projection that the target network (a copy of encoder and projector that follows the online one
as an exponential moving average with decay 0.99) makes of the other view. The loss is BYOL's
symmetric one, (2 - 2 cos) for each view, averaged over the batch: it runs from 0 to 8 and
falls as training goes on. The optimiser is Adam with -LearningRate (3e-4 by default). An epoch
takes every clip once, in a random order, in batches of -BatchSize (the last batch may be
smaller).

After every epoch the cmdlet writes the model to -ModelPath and a checkpoint to
<ModelPath>.checkpoint, both through a temporary file and a rename, so an interrupted run never
leaves a damaged file. The checkpoint holds everything a resumed run needs to go on exactly as an
uninterrupted one would: the settings, the epoch and step counts, the normalisation statistics,
the memory bank, the online and target networks with projector and predictor, and Adam's state
(about 85 MB for 512 dimensions). -Resume continues from it until -Epochs epochs are complete, with
the settings of the first run. Ctrl+C stops after the step in progress; the model and the
checkpoint of the last complete epoch stay, and -Resume goes on from there. Each completed
epoch writes one object (Epoch, Loss, Seconds, Steps ...), so the loss curve can be plotted or
saved while the training runs; progress shows the epoch, the step, the running loss and the time
remaining.

Training is deterministic: the initial weights, the order, crops and augmentations of every
epoch, and dropout come from -Seed, so the same clips in the same order with the same seed give
the same weights, and a run without -InitialModelPath starts from exactly the encoder that
Get-AudioEmbedding -Encoder ByolA -Seed gives. On a CPU this holds bit for bit on a machine with
the same number of processors (libtorch uses all of them).

The module ships the CPU build of libtorch. On 2 processor cores shared with other work, an epoch
of the 3000 FSDD clips (batches of 64) took 3 to 10 minutes, 4 to 12 seconds a step; the paper
trains for 100 epochs on much more audio, so plan long trainings on a machine with many cores,
and use -Resume to spread them over several sessions.
-Device Cuda or Auto uses a GPU when libtorch can, and the CPU otherwise, saying why (a warning
with Cuda, a verbose message with Auto).

Parameters are checked before any audio is read: -Epochs or -BatchSize below 1, -LearningRate
not above 0, an existing model or checkpoint without -Force (or -Resume), -Resume without a
checkpoint, -Resume with a -Seed, -BatchSize, -LearningRate or -Dimensions other than the
checkpoint's, -Resume with -InitialModelPath, and -Dimensions with -InitialModelPath are
terminating errors. A -BatchSize above the number of clips is lowered to it, with a warning. A
file that cannot be read is a non-terminating error (InvokeByolaTraining.Failed) and the training
goes on without it.
'@
        Parameters  = @{
            InputObject      = @'
AudioClip objects, normally from Import-Audio on the pipeline. Each is mixed down to mono and
resampled to 16 kHz when needed.
'@
            LabelPattern     = @'
Accepted for symmetry with Get-AudioEmbedding; labels play no part in self-supervised training
and are ignored.
'@
            LabelFromDirectory = @'
Accepted for symmetry with Get-AudioEmbedding; labels play no part in self-supervised training
and are ignored.
'@
            ModelPath        = @'
The file to write the trained encoder to, a PyTorch state dict of AudioNTT2020 (keys features.*
and fc.*), for Get-AudioEmbedding -Encoder ByolA -ModelPath. It is rewritten after every epoch.
The checkpoint goes beside it as <ModelPath>.checkpoint. Relative paths are resolved against the
current location; the folder is created when missing. An existing file needs -Force, unless
-Resume continues its training.
'@
            Epochs           = @'
Train until this many epochs are complete, 1 or more; 100 by default (the paper's setting). With
-Resume the epochs already in the checkpoint count: -Epochs 30 -Resume after 20 epochs trains 10
more, and a checkpoint that already holds -Epochs epochs gives a warning and trains nothing.
'@
            BatchSize        = @'
Clips per training step, each giving two views; 256 by default (the paper's). Larger batches give
steadier batch-norm statistics; smaller ones more steps per epoch. A value above the number of
clips is lowered to it, with a warning. Kept from the first run by -Resume.
'@
            LearningRate     = @'
Adam's learning rate, above 0; 0.0003 by default (the paper's). Lower it if the loss becomes NaN.
Kept from the first run by -Resume.
'@
            Seed             = @'
Seed of every random step: the initial weights (without -InitialModelPath), the clip order,
crops and augmentations of every epoch, and dropout; 0 by default. The same seed and clips give
the same weights. Kept from the first run by -Resume.
'@
            Dimensions       = @'
Embedding width d of a randomly initialised encoder, 1 to 65536; 512 by default (the published
BYOL-A weights have 512). With -InitialModelPath the file decides it. Kept by -Resume.
'@
            InitialModelPath = @'
An AudioNTT2020 state dict to start from instead of random weights: the authors'
AudioNTT2020-BYOLA-64x96d512.pth to adapt BYOL-A to your audio, or a model this cmdlet wrote to
start a new training from it. The projector and predictor always start random. Not allowed with
-Resume or -Dimensions.
'@
            Resume           = @'
Continue the training saved in <ModelPath>.checkpoint until -Epochs epochs are complete, exactly
as an uninterrupted run would (same clips in the same order; other clips are allowed, with a
warning, but then the memory bank starts empty). The checkpoint's settings apply; giving -Seed,
-BatchSize, -LearningRate or -Dimensions with other values is an error.
'@
            Device           = @'
Where the networks run: Cpu (the default), Cuda, or Auto. Cuda and Auto use a GPU when libtorch
can, and fall back to the CPU otherwise, saying why. The module ships the CPU build of libtorch.
'@
            Force            = @'
Overwrite an existing model file and checkpoint when starting a new training. Not needed with
-Resume.
'@
        }
        Inputs      = @(
            @{ Type = 'AudioCluster.Audio.AudioClip'; Description = 'Clips from Import-Audio; they bind to -InputObject.' }
            @{ Type = 'System.String'; Description = 'Paths of audio files or folders, with wildcards; they bind to -Path.' }
            @{ Type = 'System.IO.FileInfo'; Description = 'Files from Get-ChildItem or Get-Item; they bind to -LiteralPath.' }
        )
        Outputs     = @(
            @{
                Type        = 'AudioCluster.Encoders.Training.ByolaTrainingEpoch'
                Description = @'
One object per epoch trained, written once the epoch's model and checkpoint are saved. Properties:
Epoch (counted over resumed runs), Loss (the epoch's mean loss), Seconds, Steps, TotalSteps (since
the training began), Clips, ModelPath, and NormalizationMean and NormalizationStd (the log-mel
statistics the encoder was trained with).
'@
            }
        )
        Notes       = @'
Using the trained encoder: every save also writes NAME.pth.json, the log-mel normalisation the
encoder was trained with and the weights' hash, so Get-AudioEmbedding -Encoder ByolA -ModelPath
NAME.pth embeds new clips exactly as the training saw its input, streaming. Other statistics
can still be given with -NormalizationMean and -NormalizationStd; the epoch objects carry the
training's as NormalizationMean and NormalizationStd.

Sizes: the model holds about 0.6 million numbers for d = 512 (2.3 MB); the checkpoint about 85 MB
(the projector and predictor MLPs with their 4096 hidden units, the target copy and Adam's two
moments). ByolaCheckpointInfo, from
[AudioCluster.Encoders.Training.ByolaTrainer]::ReadCheckpointInfo('<path>.checkpoint'), tells the
settings, epochs and losses a checkpoint holds.

Differences from the authors' train.py: the log-mels are computed once per clip and cropped
(instead of cropping the waveform each time), and the input is normalised with statistics of the
data set computed beforehand (as in BYOL-A v2) rather than running ones; the random linear fader
is BYOL-A v2's addition. The augmentations are drawn by this module's own generator, so the same
seed does not give the same numbers as PyTorch.
'@
        Examples    = @(
            @{
                Title   = 'Train an encoder on a folder of recordings'
                Code    = @'
New-SyntheticAudioSet -Path ./demo -ClassCount 4 -PerClass 6 | Out-Null
Get-ChildItem ./demo -Filter *.wav |
    Invoke-ByolaTraining -ModelPath ./byola-demo.pth -Epochs 2 -BatchSize 8 -Dimensions 128 -Seed 1
'@
                Remarks = @'
Trains for 2 epochs of 3 steps on 24 clips and shows one line per epoch with its loss. The
encoder is in byola-demo.pth and the checkpoint in byola-demo.pth.checkpoint. A real training runs
for many more epochs on much more audio, with the default batch size.
'@
            }
            @{
                Title   = 'Train one more epoch, then use the encoder'
                Code    = @'
$epoch = Get-ChildItem ./demo -Filter *.wav | Invoke-ByolaTraining -ModelPath ./byola-demo.pth -Epochs 3 -Resume
Get-ChildItem ./demo -Filter *.wav |
    Get-AudioEmbedding -Encoder ByolA -ModelPath ./byola-demo.pth -LabelPattern '^(?<label>[a-z]+)_' `
        -NormalizationMean $epoch.NormalizationMean -NormalizationStd $epoch.NormalizationStd |
    Invoke-AudioClustering -ClusterCount 4 -Seed 0 -L2Normalize |
    Measure-ClusterQuality | Select-Object NMI, Accuracy
'@
                Remarks = @'
-Resume goes on from the checkpoint of epoch 2 and trains epoch 3, exactly as a 3-epoch run
would have. The embeddings use the normalisation the encoder was trained with, then the clips are
clustered and scored against the labels in their names.
'@
            }
            @{
                Title   = 'Keep the loss curve'
                Code    = @'
$curve = Get-ChildItem ./demo -Filter *.wav |
    Invoke-ByolaTraining -ModelPath ./curve.pth -Epochs 3 -BatchSize 12 -Dimensions 64 -Force
$curve | Export-Csv ./loss.csv -NoTypeInformation
$curve | ForEach-Object { '{0,3} {1,8:N4} {2}' -f $_.Epoch, $_.Loss, ('#' * [int]($_.Loss * 10)) }
'@
                Remarks = @'
Saves Epoch, Loss, Seconds and Steps of every epoch to a CSV file, and draws the curve as text.
-Force replaces an earlier curve.pth and its checkpoint.
'@
            }
            @{
                Title   = "Adapt the authors' weights to your audio"
                Code    = @'
# Get-ChildItem ./recordings -Filter *.wav -Recurse |
#     Invoke-ByolaTraining -ModelPath ./byola-mine.pth -InitialModelPath ./AudioNTT2020-BYOLA-64x96d512.pth -Epochs 20 -Verbose
[AudioCluster.Encoders.Training.ByolaTrainer]::ReadCheckpointInfo("$PWD/byola-demo.pth.checkpoint") |
    Select-Object Epoch, Steps, Clips, Dimensions, Losses
'@
                Remarks = @'
The commented command starts from the published BYOL-A weights instead of random ones (with the
weights file at hand) and trains them further on your recordings; -Verbose reports the clips, the
memory they take, the device and each epoch. The last line reads what the demo checkpoint holds:
3 epochs of 3 steps on 24 clips, and the loss of each.
'@
            }
        )
        Links       = @('about_AudioCluster', 'Get-AudioEmbedding', 'Invoke-AudioClustering')
    }
}
