using CoeInsights.Analytics.Scoring;

namespace CoeInsights.Analytics.Tests.Scoring;

public sealed class AhpTests
{
    private static AhpResult Ahp(double[][] matrix, RandomIndexTable table = RandomIndexTable.Saaty) =>
        ScoringEngine.ComputeAhpWeights(new AhpRequest
        {
            PairwiseMatrices = [matrix],
            Options = new AhpOptions { RandomIndexTable = table },
        });

    /// <summary>Saaty (2008) drinks consumption matrix, via AHPy README and tests (vectors/mcda/ahp_saaty2008_drinks.json).</summary>
    [Fact]
    public void ReturnsPublishedDrinksWeightsGivenSaaty2008Matrix()
    {
        var v = Vectors.Load("mcda/ahp_saaty2008_drinks.json");
        var matrix = v.GetProperty("inputs").GetProperty("matrix_row_major").Matrix();
        var elements = v.GetProperty("inputs").GetProperty("elements").Strings();
        var result = Ahp(matrix);

        var expected = v.GetProperty("expected");
        var tol = v.GetProperty("tolerance");
        for (var i = 0; i < elements.Length; i++)
        {
            Vectors.Near(expected.GetProperty("weights_3dp").GetProperty(elements[i]).GetDouble(), result.Weights[i], tol.GetProperty("weights_3dp").GetDouble(), $"3dp {elements[i]}");
            Vectors.Near(expected.GetProperty("weights_4dp").GetProperty(elements[i]).GetDouble(), result.Weights[i], tol.GetProperty("weights_4dp").GetDouble(), $"4dp {elements[i]}");
        }
        var full = v.GetProperty("computed_full_precision");
        var fullTol = tol.GetProperty("full_precision").GetDouble();
        Vectors.AllNear(full.GetProperty("weights").Doubles(), result.Weights, fullTol, "weights");
        Vectors.Near(full.GetProperty("lambda_max").GetDouble(), result.LambdaMax, fullTol, "lambda_max");
        Vectors.Near(full.GetProperty("CI").GetDouble(), result.ConsistencyIndex, fullTol, "CI");
        Vectors.Near(expected.GetProperty("CR_with_saaty2005_RI_1.35_3dp").GetDouble(), result.ConsistencyRatio, tol.GetProperty("CR_3dp").GetDouble(), "CR saaty 3dp");
        Vectors.Near(full.GetProperty("CR_by_RI_table").GetProperty("saaty2005_ahpy").GetDouble(), result.ConsistencyRatio, fullTol, "CR saaty");
        Assert.Equal(1.35, result.RandomIndex);
        Assert.Equal(RandomIndexTable.Saaty, result.RandomIndexTable);
    }

    /// <summary>Same Saaty (2008) matrix: the CR depends on the random-index table (Donegan &amp; Dodd 1991 gives 0.0235).</summary>
    [Fact]
    public void ReturnsDoneganDoddConsistencyRatioGivenThatTable()
    {
        var v = Vectors.Load("mcda/ahp_saaty2008_drinks.json");
        var result = Ahp(v.GetProperty("inputs").GetProperty("matrix_row_major").Matrix(), RandomIndexTable.DoneganDodd);
        Vectors.Near(v.GetProperty("expected").GetProperty("CR_with_donegan_dodd_RI_1.2519_4dp").GetDouble(), result.ConsistencyRatio,
            v.GetProperty("tolerance").GetProperty("CR_4dp").GetDouble(), "CR Donegan-Dodd 4dp");
        Vectors.Near(v.GetProperty("computed_full_precision").GetProperty("CR_by_RI_table").GetProperty("donegan_dodd_ahpy").GetDouble(),
            result.ConsistencyRatio, v.GetProperty("tolerance").GetProperty("full_precision").GetDouble(), "CR Donegan-Dodd");
        Assert.Equal(RandomIndexTable.DoneganDodd, result.RandomIndexTable);
    }

    /// <summary>
    /// Saaty (2005) city example, two-level hierarchy, via AHPy tests (vectors/mcda/ahp_saaty_cities_hierarchy.json):
    /// eigenvector at every node, then additive synthesis = WSM with no normalisation on the local priorities.
    /// </summary>
    [Fact]
    public void ReturnsPublishedGlobalPrioritiesGivenSaatyCitiesHierarchy()
    {
        var v = Vectors.Load("mcda/ahp_saaty_cities_hierarchy.json");
        var inputs = v.GetProperty("inputs");
        var criteria = inputs.GetProperty("criteria").Strings();
        var alternatives = inputs.GetProperty("alternatives").Strings();
        var criteriaResult = Ahp(inputs.GetProperty("criteria_matrix").Matrix());
        var full = v.GetProperty("computed_full_precision");
        var fullTol = v.GetProperty("tolerance").GetProperty("full_precision").GetDouble();
        Vectors.AllNear(full.GetProperty("criteria_weights").Doubles(), criteriaResult.Weights, fullTol, "criteria weights");
        Vectors.Near(full.GetProperty("criteria_lambda_max").GetDouble(), criteriaResult.LambdaMax, fullTol, "criteria lambda_max");
        Vectors.Near(full.GetProperty("criteria_CR_saaty2005").GetDouble(), criteriaResult.ConsistencyRatio, fullTol, "criteria CR");

        var local = criteria.Select(c => Ahp(inputs.GetProperty("alternative_matrices").GetProperty(c).Matrix()).Weights.ToArray()).ToArray();
        for (var c = 0; c < criteria.Length; c++)
            Vectors.AllNear(full.GetProperty("local").GetProperty(criteria[c]).Doubles(), local[c], fullTol, $"local {criteria[c]}");

        var matrix = alternatives.Select((_, a) => (IReadOnlyList<double>)criteria.Select((_, c) => local[c][a]).ToArray()).ToArray();
        var scored = ScoringEngine.ScoreMatrix(new MatrixScoringRequest
        {
            AlternativeIds = alternatives,
            Criteria = criteria.Select(c => new Criterion(c)).ToArray(),
            Matrix = matrix,
            PairwiseMatrices = [inputs.GetProperty("criteria_matrix").Matrix()],
            Options = new ScoringOptions { Normalisation = NormalisationMethod.None },
        });
        var global = scored.Methods[0].Scores;
        Vectors.AllNear(full.GetProperty("global").Doubles(), global, fullTol, "global");
        for (var a = 0; a < alternatives.Length; a++)
            Vectors.Near(v.GetProperty("expected").GetProperty("global_4dp").GetProperty(alternatives[a]).GetDouble(), global[a],
                v.GetProperty("tolerance").GetProperty("4dp").GetDouble(), $"global 4dp {alternatives[a]}");
        Assert.Equal("Pittsburgh", scored.Recommendation.WinnerId);
    }

    /// <summary>ahpsurvey city200 rows 1–3 (vectors/mcda/group_ahp_aij_aip_ahpsurvey_city200.json): AIJ geometric-mean matrix and its eigenvector.</summary>
    [Fact]
    public void ReturnsAhpsurveyGroupMatrixAndWeightsGivenThreeDecisionMakers()
    {
        var v = Vectors.Load("mcda/group_ahp_aij_aip_ahpsurvey_city200.json");
        var matrices = v.GetProperty("inputs").GetProperty("matrices").EnumerateArray().Select(m => (IReadOnlyList<IReadOnlyList<double>>)m.Matrix()).ToArray();
        var tol = v.GetProperty("tolerance").GetProperty("all").GetDouble();
        var result = ScoringEngine.ComputeAhpWeights(new AhpRequest { PairwiseMatrices = matrices });

        var expected = v.GetProperty("expected");
        var g = expected.GetProperty("ahpsurvey_aggjudge_geometric_matrix").Matrix();
        for (var i = 0; i < g.Length; i++) Vectors.AllNear(g[i], result.GroupMatrix![i], 1e-9, $"group matrix row {i}");
        Vectors.AllNear(expected.GetProperty("eigen_of_aggjudge_weights").Doubles(), result.Weights, tol, "AIJ eigen weights");
        Vectors.Near(expected.GetProperty("eigen_of_aggjudge_lambda_max").GetDouble(), result.LambdaMax, tol, "AIJ lambda_max");
        Vectors.Near(v.GetProperty("computed_full_precision").GetProperty("AIJ_matrix_CR_saaty2005").GetDouble(), result.ConsistencyRatio, tol, "AIJ CR");
        Assert.Equal(GroupAggregation.AggregateJudgements, result.GroupAggregation);

        var individual = v.GetProperty("computed_full_precision").GetProperty("individual_eigen").EnumerateArray().Select(Vectors.Doubles).ToArray();
        Assert.Equal(3, result.Individual.Count);
        for (var k = 0; k < 3; k++) Vectors.AllNear(individual[k], result.Individual[k].Weights, tol, $"individual {k}");
        for (var i = 0; i < g.Length; i++)
            for (var j = 0; j < g.Length; j++)
                Vectors.Near(1.0, result.GroupMatrix![i][j] * result.GroupMatrix[j][i], 1e-12, $"reciprocity [{i}][{j}]");
    }

    /// <summary>Same data, AIP: the geometric mean of individual eigenvectors does not sum to 1 (0.99535) and is renormalised.</summary>
    [Fact]
    public void ReturnsRenormalisedGeometricMeanOfPrioritiesGivenAggregatePriorities()
    {
        var v = Vectors.Load("mcda/group_ahp_aij_aip_ahpsurvey_city200.json");
        var matrices = v.GetProperty("inputs").GetProperty("matrices").EnumerateArray().Select(m => (IReadOnlyList<IReadOnlyList<double>>)m.Matrix()).ToArray();
        var result = ScoringEngine.ComputeAhpWeights(new AhpRequest
        {
            PairwiseMatrices = matrices,
            Options = new AhpOptions { GroupAggregation = GroupAggregation.AggregatePriorities },
        });
        Vectors.AllNear(v.GetProperty("computed_full_precision").GetProperty("AIP_geometric_of_eigen_normalised").Doubles(), result.Weights,
            v.GetProperty("tolerance").GetProperty("all").GetDouble(), "AIP weights");
        Vectors.Near(1.0, result.Weights.Sum(), 1e-12, "sum");
    }

    [Fact]
    public void ReturnsZeroConsistencyRatioGivenTwoByTwoMatrix()
    {
        var result = Ahp([[1, 3], [1.0 / 3, 1]]);
        Vectors.AllNear([0.75, 0.25], result.Weights, 1e-12, "weights");
        Assert.Equal(0.0, result.ConsistencyRatio);
        Assert.True(result.IsAcceptablyConsistent);
    }

    [Fact]
    public void ReturnsInconsistentGivenIntransitiveJudgements()
    {
        // A > B (9), B > C (9), C > A (9): maximally intransitive.
        var result = Ahp([[1, 9, 1.0 / 9], [1.0 / 9, 1, 9], [9, 1.0 / 9, 1]]);
        Assert.False(result.IsAcceptablyConsistent);
        Assert.True(result.ConsistencyRatio > 1, $"CR {result.ConsistencyRatio}");
    }
}
