using System.Xml.Linq;
using DocumentFormat.OpenXml.Packaging;

namespace CoeInsights.Exports.Common;

/// <summary>
/// Repairs the markup ClosedXML 0.95.4 gets wrong, rather than dropping the features:
/// lower-case GUIDs in data-bar extensions (OpenXmlValidator pattern errors), and x14 data bars whose
/// lowest/highest values are written as the number 0 instead of min/max (bars then all look full),
/// and an undeclared xr2:uid attribute on sparkline groups.
/// </summary>
public static class OpenXmlFixups
{
    private static readonly XNamespace Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private static readonly XNamespace X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main";
    private static readonly XNamespace Xm = "http://schemas.microsoft.com/office/excel/2006/main";
    private static readonly XNamespace Revision2 = "http://schemas.microsoft.com/office/spreadsheetml/2015/revision2";

    public static void Apply(SpreadsheetDocument document)
    {
        foreach (var part in document.WorkbookPart!.WorksheetParts)
        {
            XDocument xml;
            using (var read = part.GetStream(FileMode.Open, FileAccess.Read)) xml = XDocument.Load(read);
            if (!Fix(xml)) continue;
            using var write = part.GetStream(FileMode.Create, FileAccess.Write);
            xml.Save(write, SaveOptions.DisableFormatting);
        }
    }

    /// <summary>Returns whether anything changed.</summary>
    internal static bool Fix(XDocument xml)
    {
        var changed = false;
        // 1. GUIDs must be upper case ({[0-9A-F]{8}-…}).
        foreach (var id in xml.Descendants(X14 + "id"))
            changed |= Upper(id);
        var x14Rules = xml.Descendants(X14 + "cfRule").ToList();
        foreach (var rule in x14Rules)
            if (rule.Attribute("id") is { } idAttribute && idAttribute.Value != idAttribute.Value.ToUpperInvariant())
            {
                idAttribute.Value = idAttribute.Value.ToUpperInvariant();
                changed = true;
            }

        // 2. x14 data bars: take the value types of the matching main rule (min/max/percent …).
        var mainDataBars = xml.Descendants(Main + "cfRule")
            .Where(r => (string?)r.Attribute("type") == "dataBar")
            .Select(r => (Id: r.Descendants(X14 + "id").FirstOrDefault()?.Value, Cfvos: r.Element(Main + "dataBar")?.Elements(Main + "cfvo").ToList()))
            .Where(r => r.Id is not null && r.Cfvos is { Count: 2 })
            .ToDictionary(r => r.Id!, r => r.Cfvos!);
        foreach (var rule in x14Rules.Where(r => (string?)r.Attribute("type") == "dataBar"))
        {
            if (rule.Attribute("id")?.Value is not { } id || !mainDataBars.TryGetValue(id, out var main)) continue;
            var cfvos = rule.Element(X14 + "dataBar")?.Elements(X14 + "cfvo").ToList();
            if (cfvos is not { Count: 2 }) continue;
            for (var i = 0; i < 2; i++)
            {
                var type = (string?)main[i].Attribute("type");
                if (type is not ("min" or "max") || (string?)cfvos[i].Attribute("type") != "num") continue;
                cfvos[i].SetAttributeValue("type", type == "min" ? "autoMin" : "autoMax");
                cfvos[i].Elements(Xm + "f").Remove();
                changed = true;
            }
        }

        // 3. Sparkline groups carry an xr2:uid the x14 schema does not declare (and nothing needs).
        foreach (var group in xml.Descendants(X14 + "sparklineGroup"))
        {
            var undeclared = group.Attributes().Where(a => a.Name.Namespace == Revision2).ToList();
            undeclared.ForEach(a => a.Remove());
            changed |= undeclared.Count > 0;
        }
        return changed;
    }

    private static bool Upper(XElement element)
    {
        var upper = element.Value.ToUpperInvariant();
        if (upper == element.Value) return false;
        element.Value = upper;
        return true;
    }
}
