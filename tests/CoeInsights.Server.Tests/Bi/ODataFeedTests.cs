using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml;
using CoeInsights.V1;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Validation;
using CoeInsights.StarSchema;
using Date = Google.Type.Date;

namespace CoeInsights.Server.Tests.Bi;

/// <summary>
/// The OData feed as Power BI, Excel and an independent client call it: a real server, real PostgreSQL, data recorded through gRPC.
/// Power Query's OData.Feed (https://learn.microsoft.com/powerquery-m/odata-feed) reads the service document and <c>$metadata</c>,
/// then each entity set, following <c>@odata.nextLink</c> (server-driven paging, OData 4.0 Protocol §11.2.5.7); with incremental
/// refresh the service sends one such read per partition, filtered <c>Date ge RangeStart and Date lt RangeEnd</c>
/// (https://learn.microsoft.com/power-bi/connect-data/incremental-refresh-overview).
/// </summary>
public sealed class ODataFeedTests(BiServer server) : IClassFixture<BiServer>
{
    [Fact]
    public async Task MetadataParsesAndValidatesWithTheCsdlReaderGivenBasicCredentials()
    {
        using var http = server.Basic(server.ViewerKey);

        using var response = await http.GetAsync("odata/$metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/xml", response.Content.Headers.ContentType!.ToString());
        using var xml = XmlReader.Create(await response.Content.ReadAsStreamAsync());
        Assert.True(CsdlReader.TryParse(xml, out var model, out var errors), string.Join("; ", errors.Select(e => e.ErrorMessage)));
        Assert.True(model.Validate(out var violations), string.Join("; ", violations.Select(v => v.ErrorMessage)));
        var container = model.EntityContainer;
        foreach (var table in StarTables.Tables)
        {
            var set = container.FindEntitySet(table.Name);
            Assert.NotNull(set);
            Assert.Equal(table.Key, set.EntityType.Key().Select(k => k.Name));
            Assert.Equal(table.Columns.Select(c => c.Name), set.EntityType.StructuralProperties().Select(p => p.Name));
            foreach (var link in table.Links)
            {
                var nav = set.EntityType.FindProperty(link.Name) as IEdmNavigationProperty;
                Assert.NotNull(nav);
                Assert.Equal(link.Table, nav.ToEntityType().Name);
                Assert.Equal(link.From, nav.DependentProperties().Select(p => p.Name));
                Assert.Equal(link.Table, set.FindNavigationTarget(nav).Name);
            }
        }
        var date = container.FindEntitySet("FactKpi").EntityType.FindProperty("Date");
        Assert.Equal(EdmPrimitiveTypeKind.Date, date.Type.AsPrimitive().PrimitiveKind());
    }

    [Fact]
    public async Task PowerQuerySequenceWithIncrementalRefreshPartitionsMatchesTheGrpcApi()
    {
        using var http = server.Basic(server.ViewerKey);

        // 1. The service root (the URL the user types), 2. $metadata.
        var root = JsonNode.Parse(await http.GetStringAsync("odata/"))!;
        Assert.Contains("FactKpi", root["value"]!.AsArray().Select(v => v!["url"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("odata/$metadata")).StatusCode);

        // 3. One read per monthly partition: [RangeStart, RangeEnd), paged.
        var partitions = new[] { (new DateOnly(2024, 12, 1), new DateOnly(2025, 1, 1)), (new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 1)),
            (new DateOnly(2025, 2, 1), new DateOnly(2025, 3, 1)) };
        var rows = new List<JsonObject>();
        var pagesSeen = 0;
        foreach (var (start, end) in partitions)
        {
            var (part, pages, urls) = await BiServer.ReadAllAsync(http,
                $"odata/FactKpi?$filter=Date ge {start:yyyy-MM-dd} and Date lt {end:yyyy-MM-dd}&$select=ProfileId,Metric,Date,Value");
            Assert.All(part, r => Assert.InRange(DateOnly.Parse(r["Date"]!.GetValue<string>(), CultureInfo.InvariantCulture), start, end.AddDays(-1)));
            Assert.All(pages.SkipLast(1), n => Assert.Equal(BiServer.PageSize, n));
            Assert.All(urls.Skip(1), u => Assert.Contains("$filter=Date%20ge", u)); // the next link keeps the filter
            rows.AddRange(part);
            pagesSeen += pages.Count;
        }
        Assert.True(pagesSeen > 10, $"{pagesSeen} pages");

        // The totals are the gRPC API's: every (profile, metric, day) once, with the latest value.
        var viewer = new KpiService.KpiServiceClient(server.Channel(server.ViewerKey));
        using var call = viewer.QuerySeries(new QuerySeriesRequest
        {
            Metrics = { BiServer.Metrics }, StartDate = D(BiServer.From), EndDate = D(BiServer.From.AddDays(BiServer.Days - 1)), Granularity = Granularity.Day,
        });
        var expected = new Dictionary<(string, string, string), double>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            foreach (var p in call.ResponseStream.Current.Points.Where(p => p.HasValue))
                expected[(call.ResponseStream.Current.ProfileId, call.ResponseStream.Current.Metric,
                    new DateOnly(p.PeriodStart.Year, p.PeriodStart.Month, p.PeriodStart.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))] = p.Value;
        var fed = rows.ToDictionary(r => (r["ProfileId"]!.GetValue<string>(), r["Metric"]!.GetValue<string>(), r["Date"]!.GetValue<string>()),
            r => r["Value"]!.GetValue<double>());
        Assert.Equal(3 * 4 * BiServer.Days, expected.Count);
        Assert.Equal(expected.Count, rows.Count); // no row twice across pages or partitions
        Assert.Equal(expected.OrderBy(e => e.Key), fed.OrderBy(e => e.Key));
        Assert.Equal(9999, fed[(server.Profiles[0].ProfileId, "impressions", "2025-01-01")]);

        // $count (the Table.RowCount fold) agrees.
        Assert.Equal(expected.Count.ToString(CultureInfo.InvariantCulture), await http.GetStringAsync("odata/FactKpi/$count"));
        var counted = JsonNode.Parse(await http.GetStringAsync("odata/FactKpi?$count=true&$top=1"))!;
        Assert.Equal(expected.Count, counted["@odata.count"]!.GetValue<long>());
    }

    private static Date D(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    [Fact]
    public async Task IndependentClientReadsEveryEntitySetWithKeysThatResolve()
    {
        using var http = server.Http(server.ViewerKey); // Bearer
        var sets = JsonNode.Parse(await http.GetStringAsync("odata"))!["value"]!.AsArray().Select(v => v!["url"]!.GetValue<string>()).ToList();
        Assert.Equal(StarTables.Tables.Select(t => t.Name).Order(), sets.Order());

        var all = new Dictionary<string, List<JsonObject>>();
        foreach (var set in sets)
        {
            var table = StarTables.Find(set)!;
            var (rows, _, _) = await BiServer.ReadAllAsync(http, $"odata/{set}");
            Assert.Equal(rows.Count.ToString(CultureInfo.InvariantCulture), await http.GetStringAsync($"odata/{set}/$count"));
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.Equal(table.Columns.Select(c => c.Name), r.Select(p => p.Key)));
            var keys = rows.Select(r => Key(r, table.Key)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            // Stable order: the key order, page after page.
            var reread = (await BiServer.ReadAllAsync(http, $"odata/{set}")).Rows.Select(r => Key(r, table.Key));
            Assert.Equal(keys, reread);
            all[set] = rows;
        }
        // Every relationship resolves (what Power BI's model relationships need).
        foreach (var table in StarTables.Tables)
        foreach (var link in table.Links)
        {
            var targets = all[link.Table].Select(r => Key(r, link.To)).ToHashSet();
            Assert.All(all[table.Name], r => Assert.Contains(Key(r, link.From), targets));
        }
        Assert.Equal(3, all["DimProfile"].Count);
        Assert.Equal(BiServer.Days, all["DimDate"].Count);
        var jan6 = all["DimDate"].Single(r => r["Date"]!.GetValue<string>() == "2025-01-06");
        Assert.Equal((2025, 1, 2, 1, "Monday"), (jan6["IsoYear"]!.GetValue<int>(), jan6["Quarter"]!.GetValue<int>(), jan6["IsoWeek"]!.GetValue<int>(),
            jan6["DayOfWeek"]!.GetValue<int>(), jan6["DayName"]!.GetValue<string>()));
        Assert.Equal(["PR", "Social"], all["DimDepartment"].Select(r => r["Department"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task VendorResultsAreTheScoringApisAndSurveyAnswersKeepRespondentPrivacy()
    {
        using var http = server.Basic(server.ViewerKey);

        // FactVendorResult: the closed evaluation, as ScoreEvaluation answers the same key; the open one has no visible scores.
        var (results, _, _) = await BiServer.ReadAllAsync(http, "odata/FactVendorResult");
        var scoring = new EvaluationService.EvaluationServiceClient(server.Channel(server.ViewerKey));
        var score = (await scoring.ScoreEvaluationAsync(new ScoreEvaluationRequest { EvaluationId = server.ClosedEvaluationId })).Result;
        var primary = score.Methods.Single(m => m.Method == score.PrimaryMethod);
        Assert.Equal(score.VendorIds.Select(v => (server.ClosedEvaluationId, v)).Order(),
            results.Select(r => (r["EvaluationId"]!.GetValue<string>(), r["VendorId"]!.GetValue<string>())).Order());
        for (var i = 0; i < score.VendorIds.Count; i++)
        {
            var row = results.Single(r => r["VendorId"]!.GetValue<string>() == score.VendorIds[i]);
            Assert.Equal(primary.Ranks[i], row["Rank"]!.GetValue<int>());
            Assert.Equal(primary.Scores[i] * 100, row["Score"]!.GetValue<double>(), 9);
            Assert.Equal(score.VendorIds[i] == score.Recommendation.WinnerId, row["IsRecommended"]!.GetValue<bool>());
        }
        Assert.Single(results, r => r["IsRecommended"]!.GetValue<bool>());

        // FactSurveyAnswer: the latest revision per respondent; a viewer sees pseudonyms and no free text, the committee both.
        var (answers, _, _) = await BiServer.ReadAllAsync(http, $"odata/FactSurveyAnswer?$filter=SurveyId eq {server.SurveyId}");
        Assert.Equal(6, answers.Count);
        Assert.Equal(["R001", "R002"], answers.Select(a => a["RespondentId"]!.GetValue<string>()).Distinct().Order());
        Assert.All(answers, a => Assert.Null(a["Text"]));
        var sat = answers.Where(a => a["QuestionId"]!.GetValue<string>() == "Sat").ToDictionary(a => a["RespondentId"]!.GetValue<string>(), a => a["Value"]!.GetValue<double>());
        Assert.Equal(new Dictionary<string, double> { ["R001"] = 5, ["R002"] = 4 }, sat);
        Assert.Equal("sprout,hoot", answers.First(a => a["QuestionId"]!.GetValue<string>() == "Tools")["Choices"]!.GetValue<string>());
        var surveys = new SurveyService.SurveyServiceClient(server.Channel(server.ViewerKey));
        var likert = (await surveys.GetSurveyResultsAsync(new GetSurveyResultsRequest { SurveyId = server.SurveyId })).Questions.Single(q => q.QuestionId == "Sat");
        Assert.Equal(likert.Answered, sat.Count);
        Assert.Equal(likert.Numeric.Mean, sat.Values.Average(), 9);

        using var committee = server.Basic(await server.CreateKeyAsync(BiServer.Tenant, Role.Committee));
        var (named, _, _) = await BiServer.ReadAllAsync(committee, $"odata/FactSurveyAnswer?$filter=QuestionId eq 'Why'");
        Assert.Equal([("s1", "s1 says so"), ("s2", "s2 says so")],
            named.Select(a => (a["RespondentId"]!.GetValue<string>(), a["Text"]!.GetValue<string>())).Order());
    }

    /// <summary>
    /// Microsoft.OData.Core's own reader (ODataMessageReader: what OData client libraries build on) reads every entity set of the model
    /// parsed from <c>$metadata</c>, page after page: it checks the payload's context URL, annotations and every value against
    /// the declared Edm types, independently of the feed's writer.
    /// </summary>
    [Fact]
    public async Task ODataLibraryReaderReadsEveryEntitySetOfTheParsedMetadata()
    {
        using var http = server.Basic(server.ViewerKey);
        IEdmModel model;
        using (var xml = XmlReader.Create(await http.GetStreamAsync("odata/$metadata"))) model = CsdlReader.Parse(xml);
        var root = new Uri(http.BaseAddress!, "odata/");
        var sets = model.EntityContainer.EntitySets().ToList();
        Assert.Equal(StarTables.Tables.Select(t => t.Name).Order(), sets.Select(s => s.Name).Order());
        foreach (var set in sets)
        {
            long rows = 0;
            var pages = 0;
            for (Uri? next = new(root, set.Name); next is not null; pages++)
            {
                using var response = await http.GetAsync(next);
                Assert.True(response.IsSuccessStatusCode, $"{next}: {(int)response.StatusCode}");
                await using var body = await response.Content.ReadAsStreamAsync();
                using var reader = new Microsoft.OData.ODataMessageReader((Microsoft.OData.IODataResponseMessage)new ResponseMessage(response, body),
                    new Microsoft.OData.ODataMessageReaderSettings { BaseUri = root }, model);
                var feed = reader.CreateODataResourceSetReader(set, set.EntityType);
                next = null;
                while (feed.Read())
                {
                    if (feed is { State: Microsoft.OData.ODataReaderState.ResourceEnd, Item: Microsoft.OData.ODataResource resource })
                    {
                        rows++;
                        Assert.Equal(set.EntityType.StructuralProperties().Select(p => p.Name),
                            resource.Properties.OfType<Microsoft.OData.ODataProperty>().Select(p => p.Name));
                    }
                    else if (feed is { State: Microsoft.OData.ODataReaderState.ResourceSetEnd, Item: Microsoft.OData.ODataResourceSet page })
                    {
                        next = page.NextPageLink;
                    }
                }
                Assert.True(pages < 10_000, "the next links never end");
            }
            Assert.True(rows > 0, set.Name);
            Assert.Equal(rows.ToString(CultureInfo.InvariantCulture), await http.GetStringAsync($"odata/{set.Name}/$count"));
            if (rows > BiServer.PageSize) Assert.True(pages > 1, $"{set.Name}: {rows} rows in one page");
        }
    }

    /// <summary>An HTTP response as Microsoft.OData.Core reads it.</summary>
    private sealed class ResponseMessage(HttpResponseMessage response, Stream body) : Microsoft.OData.IODataResponseMessage
    {
        public IEnumerable<KeyValuePair<string, string>> Headers =>
            response.Headers.Concat(response.Content.Headers).Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)));

        public int StatusCode
        {
            get => (int)response.StatusCode;
            set => throw new NotSupportedException();
        }

        public string? GetHeader(string headerName) => Headers.FirstOrDefault(h => string.Equals(h.Key, headerName, StringComparison.OrdinalIgnoreCase)).Value;

        public void SetHeader(string headerName, string headerValue) => throw new NotSupportedException();

        public Stream GetStream() => body;
    }

    private static string Key(JsonObject row, IReadOnlyList<string> columns) => string.Join("|", columns.Select(c => row[c]!.ToJsonString()));

    [Fact]
    public async Task SelectTopSkipOrderByAndFilterAreAppliedInSql()
    {
        using var http = server.Http(server.ViewerKey);
        var profile = server.Profiles[1].ProfileId;

        var page = JsonNode.Parse(await http.GetStringAsync(
            $"odata/FactKpi?$filter=ProfileId eq {profile} and Metric eq 'followers' and Value gt 2330&$orderby=Date desc&$top=3&$skip=1&$select=Date,Value"))!;

        Assert.EndsWith("$metadata#FactKpi(Date,Value)", page["@odata.context"]!.GetValue<string>());
        var rows = page["value"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["2025-02-13", "2025-02-12", "2025-02-11"], rows.Select(r => r["Date"]!.GetValue<string>()));
        Assert.Equal([2343.25, 2342.25, 2341.25], rows.Select(r => r["Value"]!.GetValue<double>()));
        Assert.All(rows, r => Assert.Equal(["Date", "Value"], r.Select(p => p.Key)));
        Assert.Null(page["@odata.nextLink"]);

        // $top larger than a page: pages until exactly $top rows, with an ordering that is not the key (offset tokens).
        var (top, pages, _) = await BiServer.ReadAllAsync(http, "odata/FactKpi?$orderby=Value desc&$top=95");
        Assert.Equal([40, 40, 15], pages);
        Assert.Equal(top.Select(r => r["Value"]!.GetValue<double>()).OrderDescending(), top.Select(r => r["Value"]!.GetValue<double>()));
        Assert.Equal(9999, top[0]["Value"]!.GetValue<double>());

        var text = JsonNode.Parse(await http.GetStringAsync("odata/DimProfile?$filter=startswith(Handle,'contoso') and Owned eq true&$select=Handle"))!;
        Assert.Equal(["contoso", "contoso.ig"], text["value"]!.AsArray().Select(r => r!["Handle"]!.GetValue<string>()).Order());
        var nulls = JsonNode.Parse(await http.GetStringAsync("odata/DimEvaluation?$filter=ApprovedVendorId eq null"))!;
        Assert.Equal(2, nulls["value"]!.AsArray().Count);
        var maxPage = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "odata/DimDate")
            { Headers = { { "Prefer", "odata.maxpagesize=10" } } });
        Assert.Equal(10, JsonNode.Parse(await maxPage.Content.ReadAsStringAsync())!["value"]!.AsArray().Count);
        Assert.Equal("odata.maxpagesize=10", maxPage.Headers.GetValues("Preference-Applied").Single());
    }

    [Theory]
    [InlineData("odata/FactKpi?$filter=Nope eq 1", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("odata/FactKpi?$filter=Value eq 'x'", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("odata/FactKpi?$top=-1", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("odata/FactKpi?$skiptoken=kAAAA", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("odata/FactKpi?$expand=DimProfile", HttpStatusCode.NotImplemented, "NotImplemented")]
    [InlineData("odata/FactKpi?$apply=aggregate(Value with sum as Total)", HttpStatusCode.NotImplemented, "NotImplemented")]
    [InlineData("odata/FactKpi?$filter=Value add 1 gt 2", HttpStatusCode.NotImplemented, "NotImplemented")]
    [InlineData("odata/NoSuchSet", HttpStatusCode.NotFound, "NotFound")]
    public async Task RefusesWithAnODataErrorGivenABadQuery(string url, HttpStatusCode status, string code)
    {
        using var http = server.Http(server.ViewerKey);

        using var response = await http.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ChallengesWithoutAValidKeyAndAcceptsTheWebApiKeyParameter()
    {
        using var anonymous = server.Http();
        using var none = await anonymous.GetAsync("odata/FactKpi");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains(none.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        using var wrong = server.Basic("coe_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("odata/$metadata")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("odata/NoSuchSet")).StatusCode); // nothing said before authentication

        // Power Query's "Web API" credential with ApiKeyName="api_key"; the key never reappears in a next link.
        var page = JsonNode.Parse(await anonymous.GetStringAsync($"odata/FactKpi?api_key={Uri.EscapeDataString(server.ViewerKey)}"))!;
        Assert.Equal(BiServer.PageSize, page["value"]!.AsArray().Count);
        Assert.DoesNotContain("api_key", page["@odata.nextLink"]!.GetValue<string>());
    }

    [Fact]
    public async Task FollowsTenantRoleAndBlindScoringRules()
    {
        // Another tenant's key reads its own (empty) star, never this one's.
        using var other = server.Basic(await server.CreateKeyAsync("bi-other", Role.Viewer));
        Assert.Equal("0", await other.GetStringAsync("odata/FactKpi/$count"));
        Assert.Equal("0", await other.GetStringAsync("odata/DimProfile/$count"));

        // An ingest-only key reads KPIs (any role reads KPIs) but not evaluations, as over gRPC.
        using var ingest = server.Http(await server.CreateKeyAsync(BiServer.Tenant, Role.Ingest));
        Assert.Equal(HttpStatusCode.OK, (await ingest.GetAsync("odata/FactKpi?$top=1")).StatusCode);
        using var forbidden = await ingest.GetAsync("odata/FactScore");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("bi/csv/FactScore.csv")).StatusCode);
        var listed = JsonNode.Parse(await ingest.GetStringAsync("odata"))!["value"]!.AsArray().Select(v => v!["name"]!.GetValue<string>());
        Assert.DoesNotContain("FactScore", listed);

        // Blind scoring: in the open evaluation e1 sees only e1's scores; the committee sees all; in the closed one everybody sees all.
        async Task<List<(string Evaluation, string Evaluator)>> Scores(string key)
        {
            using var http = server.Http(key);
            return (await BiServer.ReadAllAsync(http, "odata/FactScore")).Rows
                .Select(r => (r["EvaluationId"]!.GetValue<string>(), r["EvaluatorId"]!.GetValue<string>())).ToList();
        }
        var e1 = await Scores(await server.CreateKeyAsync(BiServer.Tenant, "e1", Role.Evaluator));
        var committee = await Scores(await server.CreateKeyAsync(BiServer.Tenant, "m2", Role.Committee));
        var viewer = await Scores(server.ViewerKey);
        Assert.Equal(4, e1.Count(s => s.Evaluation == server.OpenEvaluationId));
        Assert.All(e1.Where(s => s.Evaluation == server.OpenEvaluationId), s => Assert.Equal("e1", s.Evaluator));
        Assert.Equal(8, committee.Count(s => s.Evaluation == server.OpenEvaluationId));
        Assert.DoesNotContain(viewer, s => s.Evaluation == server.OpenEvaluationId);
        Assert.Equal(8, viewer.Count(s => s.Evaluation == server.ClosedEvaluationId));
        Assert.Equal(8, e1.Count(s => s.Evaluation == server.ClosedEvaluationId));
    }
}
