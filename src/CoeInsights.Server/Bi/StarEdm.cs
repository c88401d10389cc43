using System.Xml;
using CoeInsights.StarSchema;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;

namespace CoeInsights.Server.Bi;

/// <summary>
/// The OData entity data model of the star schema, built from <see cref="StarTables"/>: one entity type and entity set per table,
/// its key, and a navigation property per relationship (with its referential constraint, which Power BI turns into a model
/// relationship), bound to the target entity set.
/// </summary>
public static class StarEdm
{
    public const string Namespace = "CoeInsights.Star";
    public const string ContainerName = "Default";

    public static IEdmModel Model { get; } = Build(StarTables.Tables);

    public static IEdmModel Build(IReadOnlyList<StarTable> tables)
    {
        var model = new EdmModel();
        var container = new EdmEntityContainer(Namespace, ContainerName);
        model.AddElement(container);
        var types = new Dictionary<string, EdmEntityType>();
        foreach (var table in tables)
        {
            var type = new EdmEntityType(Namespace, table.Name);
            foreach (var column in table.Columns)
                type.AddStructuralProperty(column.Name, Kind(column.Type), column.Nullable && !table.Key.Contains(column.Name));
            type.AddKeys(table.Key.Select(k => (IEdmStructuralProperty)type.FindProperty(k)));
            model.AddElement(type);
            types[table.Name] = type;
        }
        var sets = tables.ToDictionary(t => t.Name, t => container.AddEntitySet(t.Name, types[t.Name]));
        foreach (var table in tables)
        foreach (var link in table.Links.Where(l => types.ContainsKey(l.Table)))
        {
            var dependent = types[table.Name];
            var principal = types[link.Table];
            var nav = dependent.AddUnidirectionalNavigation(new EdmNavigationPropertyInfo
            {
                Name = link.Name,
                Target = principal,
                TargetMultiplicity = EdmMultiplicity.One,
                DependentProperties = link.From.Select(c => dependent.FindProperty(c)).Cast<IEdmStructuralProperty>().ToList(),
                PrincipalProperties = link.To.Select(c => principal.FindProperty(c)).Cast<IEdmStructuralProperty>().ToList(),
            });
            sets[table.Name].AddNavigationTarget(nav, sets[link.Table]);
        }
        return model;
    }

    public static EdmPrimitiveTypeKind Kind(StarType type) => type switch
    {
        StarType.String => EdmPrimitiveTypeKind.String,
        StarType.Guid => EdmPrimitiveTypeKind.Guid,
        StarType.Int32 => EdmPrimitiveTypeKind.Int32,
        StarType.Int64 => EdmPrimitiveTypeKind.Int64,
        StarType.Double => EdmPrimitiveTypeKind.Double,
        StarType.Boolean => EdmPrimitiveTypeKind.Boolean,
        StarType.Date => EdmPrimitiveTypeKind.Date,
        StarType.DateTimeOffset => EdmPrimitiveTypeKind.DateTimeOffset,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The <c>$metadata</c> document (CSDL XML, OData 4.0).</summary>
    public static string Csdl(IEdmModel model)
    {
        using var text = new StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = System.Text.Encoding.UTF8 }))
        {
            if (!CsdlWriter.TryWriteCsdl(model, xml, CsdlTarget.OData, out var errors))
                throw new InvalidOperationException("The star schema's EDM does not serialise: " + string.Join("; ", errors.Select(e => e.ErrorMessage)));
        }
        // StringWriter is UTF-16: say what the response really is.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }
}
