using FilmTrip.Hook.Tests.Support;

namespace FilmTrip.Hook.Tests.Metrics;

/// <summary>The test's own text-format parser is strict: a metrics test that passes has read well-formed output.</summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void The_parser_refuses_what_the_format_forbids()
    {
        Assert.Throws<FormatException>(() => PrometheusText.Parse("no_type 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("# TYPE a counter\na{b=\"c} 1\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse("# TYPE a counter\na one\n"));
        Assert.Throws<FormatException>(() => PrometheusText.Parse(
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"));
        Assert.Equal(2, PrometheusText.Parse("# TYPE a gauge\na{b=\"x\\\"y\"} 2\n").Value("a", "b=x\"y"));
    }
}
