using System.Diagnostics;

namespace CoeInsights.Exports.Tests;

/// <summary>
/// A real spreadsheet program: LibreOffice headless (Debian libreoffice-calc-nogui) converts a
/// workbook to PDF; pdftotext and pdfinfo (poppler-utils) read what a person would see on its pages.
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

    /// <summary>The text a reader sees on one page (pdftotext keeps the layout, so a row reads as a line).</summary>
    public static async Task<string> PageTextAsync(string pdf, int page)
    {
        var txt = Path.Combine(Path.GetDirectoryName(pdf)!, $"{Path.GetFileNameWithoutExtension(pdf)}-page{page}.txt");
        var (code, output) = await RunAsync("pdftotext", "-layout", "-f", page.ToString(), "-l", page.ToString(), pdf, txt);
        if (code != 0) throw new InvalidOperationException($"pdftotext failed: {output}");
        return await File.ReadAllTextAsync(txt);
    }

    /// <summary>The words on one page with their printed height in points (pdftotext -bbox): how big a reader sees them.</summary>
    public static async Task<IReadOnlyList<(string Text, double Height)>> PageWordsAsync(string pdf, int page)
    {
        var html = Path.Combine(Path.GetDirectoryName(pdf)!, $"{Path.GetFileNameWithoutExtension(pdf)}-page{page}.bbox.html");
        var (code, output) = await RunAsync("pdftotext", "-bbox", "-f", page.ToString(), "-l", page.ToString(), pdf, html);
        if (code != 0) throw new InvalidOperationException($"pdftotext -bbox failed: {output}");
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(html),
                @"<word xMin=""[\d.]+"" yMin=""([\d.]+)"" xMax=""[\d.]+"" yMax=""([\d.]+)"">([^<]*)</word>")
            .Select(m => (System.Net.WebUtility.HtmlDecode(m.Groups[3].Value), double.Parse(m.Groups[2].Value, c) - double.Parse(m.Groups[1].Value, c)))
            .ToList();
    }

    /// <summary>How many pages the PDF has (pdfinfo).</summary>
    public static async Task<int> PageCountAsync(string pdf)
    {
        var (code, output) = await RunAsync("pdfinfo", pdf);
        if (code != 0) throw new InvalidOperationException($"pdfinfo failed: {output}");
        var line = output.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
        return int.Parse(line["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a deck to a fresh folder and converts it to PDF once; tests of one class share the result.</summary>
    public static async Task<string> RenderAsync(string name, Action<Stream> write)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"coe-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var xlsx = Path.Combine(folder, name + ".xlsx");
        await using (var file = File.Create(xlsx)) write(file);
        return await ConvertToPdfAsync(xlsx);
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
