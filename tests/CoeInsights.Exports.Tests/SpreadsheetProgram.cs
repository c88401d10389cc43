using System.Diagnostics;

namespace CoeInsights.Exports.Tests;

/// <summary>
/// A real spreadsheet program: LibreOffice headless (Debian libreoffice-calc-nogui) converts a
/// workbook to PDF; pdftoppm (poppler-utils) renders a page to a greyscale bitmap we can inspect.
/// </summary>
internal static class SpreadsheetProgram
{
    public static async Task<string> ConvertToPdfAsync(string xlsx)
    {
        var outDir = Path.Combine(Path.GetDirectoryName(xlsx)!, "pdf");
        Directory.CreateDirectory(outDir);
        // A profile of its own: parallel LibreOffice runs must not share one (they lock it).
        var profile = new Uri(Path.Combine(Path.GetTempPath(), $"coe-lo-{Guid.NewGuid():N}")).AbsoluteUri;
        var (code, output) = await RunAsync("soffice", $"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", outDir, xlsx);
        var pdf = Path.Combine(outDir, Path.GetFileNameWithoutExtension(xlsx) + ".pdf");
        if (code != 0 || !File.Exists(pdf)) throw new InvalidOperationException($"LibreOffice failed ({code}): {output}");
        return pdf;
    }

    /// <summary>Share of non-white pixels on a page rendered at 40 dpi.</summary>
    public static async Task<double> InkOnPageAsync(string pdf, int page)
    {
        var prefix = Path.Combine(Path.GetDirectoryName(pdf)!, $"page{page}");
        var (code, output) = await RunAsync("pdftoppm", "-gray", "-r", "40", "-f", page.ToString(), "-l", page.ToString(), "-singlefile", pdf, prefix);
        if (code != 0) throw new InvalidOperationException($"pdftoppm failed: {output}");
        var pgm = await File.ReadAllBytesAsync(prefix + ".pgm");
        // Binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
        var offset = 0;
        for (var newlines = 0; newlines < 3; offset++) if (pgm[offset] == '\n') newlines++;
        var pixels = pgm.AsSpan(offset);
        var ink = 0;
        foreach (var p in pixels) if (p < 200) ink++;
        return (double)ink / pixels.Length;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
