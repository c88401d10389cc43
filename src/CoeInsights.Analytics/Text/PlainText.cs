using System.Text;

namespace CoeInsights.Analytics.Text;

/// <summary>
/// The one definition of text a file can carry: the characters of XML 1.0 (tab, line feed, carriage
/// return, U+0020–U+D7FF, U+E000–U+FFFD and paired surrogates for U+10000–U+10FFFF). Everything else
/// (U+0000 and the other C0 controls, U+FFFE, U+FFFF, unpaired surrogates) is refused at the door and
/// replaced in exports, so no stored text can break an .xlsx part, a chart or PostgreSQL (which refuses U+0000).
/// </summary>
public static class PlainText
{
    /// <summary>What <see cref="Clean"/> puts in place of each character XML cannot carry.</summary>
    public const char Replacement = '\uFFFD';

    /// <summary>Whether a UTF-16 unit that is not part of a surrogate pair is an XML 1.0 character.</summary>
    public static bool IsXmlChar(char c) =>
        c is '\t' or '\n' or '\r' or (>= '\u0020' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD');

    /// <summary>The first character XML cannot carry: its UTF-16 index and code point (a lone surrogate's own value); null if there is none.</summary>
    public static (int Index, int CodePoint)? FirstIllegal(string? text)
    {
        if (text is null) return null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (!IsXmlChar(c)) return (i, c);
        }
        return null;
    }

    /// <summary>The text with every character XML cannot carry replaced by U+FFFD (the same string when there is none).</summary>
    public static string Clean(string? text)
    {
        if (text is null) return "";
        if (FirstIllegal(text) is not { } first) return text;
        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, first.Index);
        for (var i = first.Index; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            sb.Append(IsXmlChar(c) ? c : Replacement);
        }
        return sb.ToString();
    }

    /// <summary>Characters as a reader counts them: a surrogate pair (e.g. an emoji) is one.</summary>
    public static int CountCharacters(string text)
    {
        var count = text.Length;
        for (var i = 0; i + 1 < text.Length; i++)
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                count--;
                i++;
            }
        return count;
    }

    /// <summary>"U+0001" for a code point.</summary>
    public static string Name(int codePoint) => $"U+{codePoint:X4}";
}
