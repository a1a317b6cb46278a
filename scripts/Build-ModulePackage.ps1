#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module and packs it as AudioCluster.<version>.nupkg, the package that
    Install-PSResource installs.

.DESCRIPTION
    Builds the solution (unless -NoBuild), copies the built module folder (out/AudioCluster) to a
    scratch folder without the build's by-products, marks the manifest copy with the platform the
    package is for, and packs it with PSResourceGet's Compress-PSResource into OutputPath. That
    folder is a ready local repository: Register-PSResourceRepository -Uri <OutputPath>, then
    Install-PSResource AudioCluster.

    The package is platform-specific: it carries the native libraries (libtorch CPU, ONNX Runtime)
    of the machine that built the module, for example linux-x64. Its tags name that platform and
    its release notes say so; build the package on each platform it should serve. PSResourceGet
    names a package <id>.<version>.nupkg and reads any further dotted part as a prerelease label,
    so the platform cannot go into the file name.

    Left out of the package:
    - AudioCluster.PowerShell.xml: the compiler's XML documentation, for C# editors; PowerShell
      reads the MAML help in en-US.
    - *.deps.json: read by an application host at start-up, never for a module that pwsh loads.
    Kept: the portable .pdb files of the module's own assemblies (about 250 KB next to 760 MB of
    native libraries), so that the stack trace of an error a user reports carries file and line
    numbers; PSResourceGet has no symbol packages to carry them otherwise.

.PARAMETER OutputPath
    The folder that receives the .nupkg (created when missing); a package of the same version
    there is replaced.

.PARAMETER ModulePath
    The built module folder to pack.

.PARAMETER NoBuild
    Packs the module folder as it is, without building first.

.EXAMPLE
    dotnet pwsh -NoProfile -File scripts/Build-ModulePackage.ps1

    Builds and writes out/packages/AudioCluster.0.1.0.nupkg. Then, in PowerShell:
    Register-PSResourceRepository -Name AudioClusterLocal -Uri ./out/packages -Trusted
    Install-PSResource AudioCluster -Repository AudioClusterLocal
#>
[CmdletBinding()]
[OutputType([System.IO.FileInfo])]
param(
    [string] $OutputPath = (Join-Path $PSScriptRoot '../out/packages'),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/AudioCluster'),
    [switch] $NoBuild
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$moduleName = 'AudioCluster'
# Build by-products that have no use in an installed module (see the description).
$excluded = @("$moduleName.PowerShell.xml", '*.deps.json')

if (-not $NoBuild) {
    dotnet build -c Release (Join-Path $PSScriptRoot "../$moduleName.PowerShell.sln") -nologo -clp:NoSummary -v:q
    if ($LASTEXITCODE -ne 0) { throw "dotnet build failed (exit code $LASTEXITCODE)." }
}

# The platform this build carries natives for, named as .NET runtime identifiers name it.
$os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
$platform = "$os-$([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant())"
$osTag = @{ win = 'Windows'; osx = 'MacOS'; linux = 'Linux' }[$os]
$libtorch = @{ win = 'torch_cpu.dll'; osx = 'libtorch_cpu.dylib'; linux = 'libtorch_cpu.so' }[$os]

$ModulePath = [System.IO.Path]::GetFullPath($ModulePath)
$manifestName = "$moduleName.psd1"
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath $manifestName))) {
    throw "-ModulePath '$ModulePath' holds no ${manifestName}: build the module first (dotnet build -c Release $moduleName.PowerShell.sln) or drop -NoBuild."
}
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath $libtorch))) {
    throw "-ModulePath '$ModulePath' holds no $libtorch, the libtorch of this platform ($platform): a module folder carries the natives of the machine that built it, so build and pack on $platform."
}

$scratch = Join-Path ([System.IO.Path]::GetTempPath()) "$moduleName-package-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    $staged = Join-Path $scratch $moduleName
    Copy-Item -LiteralPath $ModulePath -Destination $staged -Recurse
    foreach ($pattern in $excluded) { Get-ChildItem -LiteralPath $staged -Filter $pattern -Recurse -File | Remove-Item }

    $stagedManifest = Join-Path $staged $manifestName
    $manifest = Import-PowerShellDataFile -LiteralPath $stagedManifest
    $tags = @($manifest.PrivateData.PSData.Tags) + 'PSEdition_Core', $osTag, $platform | Select-Object -Unique
    $notes = "Platform-specific package for $platform`: it carries the native libraries (libtorch CPU, ONNX Runtime) " +
        "built for $platform and works only there. For another platform, build the module and the package there " +
        "(scripts/Build-ModulePackage.ps1)."
    Update-PSModuleManifest -Path $stagedManifest -Tags $tags -ReleaseNotes $notes -VariablesToExport @()

    $null = New-Item -ItemType Directory -Force -Path $OutputPath
    $OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath
    $package = Join-Path $OutputPath "$moduleName.$($manifest.ModuleVersion).nupkg"
    Remove-Item -LiteralPath $package -ErrorAction Ignore
    Compress-PSResource -Path $staged -DestinationPath $OutputPath
    if (-not (Test-Path -LiteralPath $package)) { throw "Compress-PSResource wrote no $package." }
    Get-Item -LiteralPath $package
}
finally {
    Remove-Item -LiteralPath $scratch -Recurse -Force -ErrorAction Ignore
}
