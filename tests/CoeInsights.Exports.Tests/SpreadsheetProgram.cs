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
    public static async Task<IReadOnlyList<(string Text, double Height)>> PageWordsAsync(string pdf, int page) =>
        (await PageWordBoxesAsync(pdf, page)).Select(w => (w.Text, w.YMax - w.YMin)).ToList();

    /// <summary>One word as printed: its text and its box on the page in points from the top left corner.</summary>
    public sealed record PrintedWord(string Text, double XMin, double YMin, double XMax, double YMax);

    /// <summary>The words on one page with where they are printed (pdftotext -bbox), in reading order.</summary>
    public static async Task<IReadOnlyList<PrintedWord>> PageWordBoxesAsync(string pdf, int page)
    {
        var html = Path.Combine(Path.GetDirectoryName(pdf)!, $"{Path.GetFileNameWithoutExtension(pdf)}-page{page}.bbox.html");
        var (code, output) = await RunAsync("pdftotext", "-bbox", "-f", page.ToString(), "-l", page.ToString(), pdf, html);
        if (code != 0) throw new InvalidOperationException($"pdftotext -bbox failed: {output}");
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return System.Text.RegularExpressions.Regex.Matches(await File.ReadAllTextAsync(html),
                @"<word xMin=""([\d.]+)"" yMin=""([\d.]+)"" xMax=""([\d.]+)"" yMax=""([\d.]+)"">([^<]*)</word>")
            .Select(m => new PrintedWord(System.Net.WebUtility.HtmlDecode(m.Groups[5].Value), double.Parse(m.Groups[1].Value, c),
                double.Parse(m.Groups[2].Value, c), double.Parse(m.Groups[3].Value, c), double.Parse(m.Groups[4].Value, c)))
            .ToList();
    }

    /// <summary>
    /// The colour a reader sees a printed word in: page 1 point = 1 pixel (pdftoppm -r 72, binary PPM), and of the pixels in
    /// the word's box that are neither near-white nor grey, the mean; null when the word is black, grey or not there.
    /// </summary>
    public static async Task<(int R, int G, int B)?> InkColourAsync(string pdf, int page, PrintedWord word)
    {
        var root = Path.Combine(Path.GetDirectoryName(pdf)!, $"{Path.GetFileNameWithoutExtension(pdf)}-page{page}-72dpi");
        var ppm = root + ".ppm";
        if (!File.Exists(ppm))
        {
            var (code, output) = await RunAsync("pdftoppm", "-r", "72", "-f", page.ToString(), "-l", page.ToString(), "-singlefile", pdf, root);
            if (code != 0) throw new InvalidOperationException($"pdftoppm failed: {output}");
        }
        var bytes = await File.ReadAllBytesAsync(ppm);
        // P6 header: magic, width, height, maxval, each followed by whitespace; then RGB bytes row by row.
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)bytes[at])) at++;
            var start = at;
            while (!char.IsWhiteSpace((char)bytes[at])) at++;
            fields.Add(System.Text.Encoding.ASCII.GetString(bytes, start, at - start));
        }
        at++;
        if (fields[0] != "P6" || fields[3] != "255") throw new InvalidOperationException($"not an 8-bit P6 PPM: {string.Join(' ', fields)}");
        var (width, height) = (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
        long r = 0, g = 0, b = 0, n = 0;
        for (var y = Math.Max(0, (int)word.YMin); y <= Math.Min(height - 1, (int)Math.Ceiling(word.YMax)); y++)
            for (var x = Math.Max(0, (int)word.XMin); x <= Math.Min(width - 1, (int)Math.Ceiling(word.XMax)); x++)
            {
                var i = at + 3 * (y * width + x);
                int pr = bytes[i], pg = bytes[i + 1], pb = bytes[i + 2];
                if (Math.Max(pr, Math.Max(pg, pb)) - Math.Min(pr, Math.Min(pg, pb)) < 60) continue; // white, grey or black
                (r, g, b, n) = (r + pr, g + pg, b + pb, n + 1);
            }
        return n == 0 ? null : ((int)(r / n), (int)(g / n), (int)(b / n));
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
