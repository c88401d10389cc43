using System.Globalization;
using System.Text.Json;
using CoeInsights.StarSchema;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Npgsql;
using NpgsqlTypes;

namespace CoeInsights.Server.Bi;

/// <summary>A request the feed refuses: HTTP status, OData error code, message for the client.</summary>
public sealed class StarQueryException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}

/// <summary>
/// One page (or, for files, the whole table) of a star table as SQL: the table's source wrapped in
/// <c>select … from (source) t where filter [and (key) &gt; (last key)] order by … limit … offset …</c>.
/// <see cref="Output"/> are the columns to write; <see cref="KeyIndexes"/> where the key columns are in the row (appended, hidden,
/// when <c>$select</c> left them out) for the next page's token.
/// </summary>
public sealed record StarQuery(
    StarTable Table, IReadOnlyList<StarColumn> Output, IReadOnlyList<StarColumn> Read, IReadOnlyList<int> KeyIndexes, string Sql,
    IReadOnlyList<NpgsqlParameter> Parameters, string CountSql, IReadOnlyList<NpgsqlParameter> CountParameters, int Take, long? Remaining,
    bool Keyset, long Offset, bool WithCount, IReadOnlyList<string> SelectedNames);

/// <summary>Turns OData system query options into a <see cref="StarQuery"/> (parsed by Microsoft.OData.Core's ODataQueryOptionParser).</summary>
public static class StarQueryCompiler
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
        { "$filter", "$select", "$orderby", "$top", "$skip", "$count", "$skiptoken", "$format" };

    /// <param name="pageSize">Rows per page; 0: no paging (files).</param>
    public static StarQuery Compile(StarTable table, IEdmModel model, StarReader reader, StarSql sql, IReadOnlyDictionary<string, string> options,
        int pageSize)
    {
        foreach (var name in options.Keys.Where(k => k.StartsWith('$')))
            if (!Supported.Contains(name))
                throw new StarQueryException(501, "NotImplemented", $"The query option {name} is not supported by this feed.");
        if (options.TryGetValue("$format", out var format) && !format.StartsWith("json", StringComparison.OrdinalIgnoreCase))
            throw new StarQueryException(406, "NotAcceptable", "This feed answers JSON only.");

        var set = model.EntityContainer.FindEntitySet(table.Name);
        var parser = new ODataQueryOptionParser(model, set.EntityType, set,
            options.Where(o => o.Key.StartsWith('$') && o.Key != "$format").ToDictionary(o => o.Key, o => o.Value));
        FilterClause? filter;
        SelectExpandClause? select;
        OrderByClause? orderBy;
        long? top, skip;
        bool? count;
        try
        {
            filter = parser.ParseFilter();
            select = parser.ParseSelectAndExpand();
            orderBy = parser.ParseOrderBy();
            top = parser.ParseTop();
            skip = parser.ParseSkip();
            count = parser.ParseCount();
        }
        catch (ODataException e)
        {
            throw new StarQueryException(400, "BadRequest", e.Message);
        }
        if (top < 0 || skip < 0) throw new StarQueryException(400, "BadRequest", "$top and $skip must not be negative.");

        var output = Selected(table, select);
        var read = output.Concat(table.Key.Select(table.Column).Where(k => !output.Contains(k))).ToList();
        var keyIndexes = table.Key.Select(k => read.FindIndex(c => c.Name == k)).ToList();

        var source = table.Source(sql);
        var parameters = Common(reader, source);
        var where = new List<string>();
        if (filter is not null) where.Add(new FilterSql(table, parameters).Translate(filter.Expression));
        var countParameters = parameters.Select(p => p.Clone()).ToList();
        var from = $"from ({source.Sql}) t" + (where.Count > 0 ? " where " + string.Join(" and ", where) : "");
        var countSql = $"select count(*) {from}";

        var order = new List<string>();
        if (orderBy is not null)
            for (var o = orderBy; o is not null; o = o.ThenBy)
                order.Add(Column(table, o.Expression) + (o.Direction == OrderByDirection.Descending ? " desc" : ""));
        // Stable order: the key always ends the ordering. Without $orderby the key alone orders, and pages follow the key (keyset).
        var keyset = order.Count == 0;
        order.AddRange(table.Key.Select(k => $"t.\"{k}\"").Where(k => !order.Contains(k) && !order.Contains(k + " desc")));

        long offset = skip ?? 0;
        if (options.TryGetValue("$skiptoken", out var token)) (keyset, offset) = ApplyToken(table, token, keyset, where, parameters);
        var take = pageSize > 0 ? (int)Math.Min(pageSize, top ?? long.MaxValue) : (int)Math.Min(int.MaxValue, top ?? int.MaxValue);
        var limit = pageSize > 0 || top is not null ? $" limit {(long)take + 1}" : "";
        var text = $"select {string.Join(", ", read.Select(c => $"t.\"{c.Name}\""))} from ({source.Sql}) t" +
                   (where.Count > 0 ? " where " + string.Join(" and ", where) : "") +
                   $" order by {string.Join(", ", order)}{limit}" + (offset > 0 ? $" offset {offset}" : "");
        return new StarQuery(table, output, read, keyIndexes, text, parameters, countSql, countParameters, take, top, keyset, offset, count == true,
            select is null || select.AllSelected ? [] : output.Select(c => c.Name).ToList());
    }

    private static List<StarColumn> Selected(StarTable table, SelectExpandClause? select)
    {
        if (select is null || select.AllSelected) return table.Columns.ToList();
        var names = new List<string>();
        foreach (var item in select.SelectedItems)
            switch (item)
            {
                case PathSelectItem { SelectedPath.LastSegment: PropertySegment p }:
                    names.Add(p.Property.Name);
                    break;
                case WildcardSelectItem:
                    return table.Columns.ToList();
                case ExpandedNavigationSelectItem:
                    throw new StarQueryException(501, "NotImplemented", "$expand is not supported: read the related entity set (its key is in this one).");
                default:
                    throw new StarQueryException(501, "NotImplemented", "Only properties can be selected.");
            }
        return table.Columns.Where(c => names.Contains(c.Name)).ToList();
    }

    private static List<NpgsqlParameter> Common(StarReader reader, StarSource source)
    {
        var list = new List<NpgsqlParameter>
        {
            new("tenant", NpgsqlDbType.Text) { Value = reader.TenantId },
            new("principal", NpgsqlDbType.Text) { Value = reader.Principal },
            new("all_scores", NpgsqlDbType.Boolean) { Value = reader.SeesAllScores },
        };
        list.AddRange(source.Parameters.Select(p => p.Clone()));
        return list;
    }

    private static string Column(StarTable table, QueryNode node) => node switch
    {
        SingleValuePropertyAccessNode p when table.Columns.Any(c => c.Name == p.Property.Name) => $"t.\"{p.Property.Name}\"",
        ConvertNode c => Column(table, c.Source),
        _ => throw new StarQueryException(501, "NotImplemented", "$orderby supports properties only."),
    };

    // ---- $skiptoken: "k" + base64url(JSON array of the last row's key) for key order, "o" + offset otherwise.

    public static string KeyToken(IReadOnlyList<object?> key) => "k" + System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(
        key.Select(v => v switch
        {
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
            Guid g => g.ToString(),
            _ => v,
        }).ToArray()));

    public static string OffsetToken(long offset) => "o" + offset.ToString(CultureInfo.InvariantCulture);

    private static (bool Keyset, long Offset) ApplyToken(StarTable table, string token, bool keyset, List<string> where, List<NpgsqlParameter> parameters)
    {
        var bad = new StarQueryException(400, "BadRequest", "The $skiptoken is not one this feed issued for this query.");
        if (token.StartsWith('o') && long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && !keyset)
            return (false, offset);
        if (!token.StartsWith('k') || !keyset || !System.Buffers.Text.Base64Url.IsValid(token.AsSpan(1))) throw bad;
        JsonElement[] values;
        try
        {
            values = JsonSerializer.Deserialize<JsonElement[]>(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(1))) ?? [];
        }
        catch (JsonException)
        {
            throw bad;
        }
        if (values.Length != table.Key.Count) throw bad;
        var names = new List<string>();
        for (var i = 0; i < values.Length; i++)
        {
            var column = table.Column(table.Key[i]);
            var name = $"k{i}";
            try
            {
                parameters.Add(Parameter(name, column.Type, Parse(column.Type, values[i])));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw bad;
            }
            names.Add(name);
        }
        where.Add($"({string.Join(", ", table.Key.Select(k => $"t.\"{k}\""))}) > ({string.Join(", ", names.Select(n => "@" + n))})");
        return (true, 0);
    }

    private static object Parse(StarType type, JsonElement v) => type switch
    {
        StarType.String => v.GetString()!,
        StarType.Guid => Guid.Parse(v.GetString()!),
        StarType.Int32 => v.GetInt32(),
        StarType.Int64 => v.GetInt64(),
        StarType.Double => v.GetDouble(),
        StarType.Boolean => v.GetBoolean(),
        StarType.Date => DateOnly.ParseExact(v.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        StarType.DateTimeOffset => DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture),
        _ => throw new FormatException(),
    };

    public static NpgsqlDbType DbType(StarType type) => type switch
    {
        StarType.String => NpgsqlDbType.Text,
        StarType.Guid => NpgsqlDbType.Uuid,
        StarType.Int32 => NpgsqlDbType.Integer,
        StarType.Int64 => NpgsqlDbType.Bigint,
        StarType.Double => NpgsqlDbType.Double,
        StarType.Boolean => NpgsqlDbType.Boolean,
        StarType.Date => NpgsqlDbType.Date,
        StarType.DateTimeOffset => NpgsqlDbType.TimestampTz,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    internal static NpgsqlParameter Parameter(string name, StarType type, object value) => new(name, DbType(type)) { Value = value };

    /// <summary>$filter → SQL over <c>t."Column"</c>; every literal becomes a parameter typed as the column it is compared with.</summary>
    private sealed class FilterSql(StarTable table, List<NpgsqlParameter> parameters)
    {
        public string Translate(QueryNode node, StarType? hint = null) => node switch
        {
            BinaryOperatorNode b => Binary(b),
            UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } u => $"(not {Translate(u.Operand)})",
            ConvertNode c => Translate(c.Source, hint),
            SingleValuePropertyAccessNode p => Property(p),
            ConstantNode c => Constant(c.Value, hint),
            SingleValueFunctionCallNode f => Function(f),
            InNode i => In(i),
            _ => throw new StarQueryException(501, "NotImplemented", $"This feed does not support {node.Kind} in $filter."),
        };

        private string Property(SingleValuePropertyAccessNode p) =>
            table.Columns.Any(c => c.Name == p.Property.Name)
                ? $"t.\"{p.Property.Name}\""
                : throw new StarQueryException(400, "BadRequest", $"Unknown property {p.Property.Name}.");

        private StarType? TypeOf(QueryNode node) => node switch
        {
            SingleValuePropertyAccessNode p => table.Columns.FirstOrDefault(c => c.Name == p.Property.Name)?.Type,
            ConvertNode c => TypeOf(c.Source),
            _ => null,
        };

        private static bool IsNull(QueryNode node) => node switch
        {
            ConstantNode { Value: null } => true,
            ConvertNode c => IsNull(c.Source),
            _ => false,
        };

        private string Binary(BinaryOperatorNode b)
        {
            switch (b.OperatorKind)
            {
                case BinaryOperatorKind.And:
                    return $"({Translate(b.Left)} and {Translate(b.Right)})";
                case BinaryOperatorKind.Or:
                    return $"({Translate(b.Left)} or {Translate(b.Right)})";
            }
            var op = b.OperatorKind switch
            {
                BinaryOperatorKind.Equal => "=",
                BinaryOperatorKind.NotEqual => "<>",
                BinaryOperatorKind.GreaterThan => ">",
                BinaryOperatorKind.GreaterThanOrEqual => ">=",
                BinaryOperatorKind.LessThan => "<",
                BinaryOperatorKind.LessThanOrEqual => "<=",
                _ => throw new StarQueryException(501, "NotImplemented", $"This feed does not support the operator {b.OperatorKind} in $filter."),
            };
            if (IsNull(b.Right) || IsNull(b.Left))
            {
                var other = IsNull(b.Right) ? b.Left : b.Right;
                return op switch
                {
                    "=" => $"({Translate(other)} is null)",
                    "<>" => $"({Translate(other)} is not null)",
                    _ => "false", // OData: comparing with null by order is false
                };
            }
            return $"({Translate(b.Left, TypeOf(b.Right))} {op} {Translate(b.Right, TypeOf(b.Left))})";
        }

        private string Function(SingleValueFunctionCallNode f)
        {
            var args = f.Parameters.ToList();
            string Arg(int i) => Translate(args[i], StarType.String);
            return (f.Name, args.Count) switch
            {
                ("contains", 2) => $"(strpos({Arg(0)}, {Arg(1)}) > 0)",
                ("startswith", 2) => $"starts_with({Arg(0)}, {Arg(1)})",
                ("endswith", 2) => $"(right({Arg(0)}, length({Arg(1)})) = {Arg(1)})",
                ("tolower", 1) => $"lower({Arg(0)})",
                ("toupper", 1) => $"upper({Arg(0)})",
                ("length", 1) => $"length({Arg(0)})",
                ("year", 1) => $"extract(year from {Translate(args[0])})::int",
                ("month", 1) => $"extract(month from {Translate(args[0])})::int",
                ("day", 1) => $"extract(day from {Translate(args[0])})::int",
                _ => throw new StarQueryException(501, "NotImplemented", $"This feed does not support the function {f.Name} in $filter."),
            };
        }

        private string In(InNode i)
        {
            var type = TypeOf(i.Left) ?? StarType.String;
            if (i.Right is not CollectionConstantNode list)
                throw new StarQueryException(501, "NotImplemented", "'in' takes a list of literals.");
            var values = list.Collection.Select(c => Convert(c.Value, type)).ToArray();
            var name = $"f{parameters.Count}";
            var array = Array.CreateInstance(values.FirstOrDefault()?.GetType() ?? typeof(string), values.Length);
            for (var n = 0; n < values.Length; n++) array.SetValue(values[n], n);
            parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | DbType(type)) { Value = array });
            return $"({Translate(i.Left)} = any(@{name}))";
        }

        private string Constant(object? value, StarType? hint)
        {
            if (value is null) return "null";
            var type = hint ?? Infer(value);
            var name = $"f{parameters.Count}";
            parameters.Add(Parameter(name, type, Convert(value, type)));
            return "@" + name;
        }

        private static StarType Infer(object value) => value switch
        {
            string => StarType.String,
            Guid => StarType.Guid,
            int or short or byte => StarType.Int32,
            long => StarType.Int64,
            double or float or decimal => StarType.Double,
            bool => StarType.Boolean,
            DateTimeOffset => StarType.DateTimeOffset,
            DateOnly => StarType.Date,
            _ when value.GetType().Name == "Date" => StarType.Date,
            _ => throw new StarQueryException(501, "NotImplemented", $"Literals of type {value.GetType().Name} are not supported."),
        };

        /// <summary>A literal as the column's type: 5 against a Double column is 5.0, a date against a Date column a DateOnly.</summary>
        private static object Convert(object value, StarType type)
        {
            try
            {
                return type switch
                {
                    StarType.String => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
                    StarType.Guid => value is Guid g ? g : Guid.Parse(value.ToString()!),
                    StarType.Int32 => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
                    StarType.Int64 => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
                    StarType.Double => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
                    StarType.Boolean => System.Convert.ToBoolean(value, CultureInfo.InvariantCulture),
                    StarType.Date => value switch
                    {
                        DateOnly d => d,
                        DateTimeOffset t => DateOnly.FromDateTime(t.UtcDateTime),
                        _ => DateOnly.ParseExact(System.Convert.ToString(value, CultureInfo.InvariantCulture)!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    },
                    StarType.DateTimeOffset => value switch
                    {
                        DateTimeOffset t => t.ToUniversalTime(),
                        _ => new DateTimeOffset(DateOnly.ParseExact(System.Convert.ToString(value, CultureInfo.InvariantCulture)!, "yyyy-MM-dd",
                            CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                    },
                    _ => throw new FormatException(),
                };
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
            {
                throw new StarQueryException(400, "BadRequest", $"The literal {value} does not fit a {type} column.");
            }
        }
    }
}
