//! `/dashboard`: the figures of the town or of a district over a period, compared with the
//! period before; trends as SVG charts with their data tables; every table exportable as CSV.
//! Plain HTML: links and a GET form, no script.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::api::dashboard::get_dashboard;
use crate::i18n::{format::long_date, use_locale, Locale};
use crate::model::{DashboardLink, DashboardShop, DashboardView, Shown, TrendDay};
use crate::pages::Loaded;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let dashboard = Resource::new(
        move || query.with(|q| (q.get("district"), q.get("from"), q.get("to"), q.get("sort"))),
        |(district, from, to, sort)| get_dashboard(district, from, to, sort),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=dashboard sign_in_to="/dashboard".to_string() let:view>
            <DashboardContent view/>
        </Loaded>
    }
}

/// The query string of this dashboard (scope and period), to which links add their part.
fn base_query(view: &DashboardView) -> String {
    let district = view
        .district
        .as_deref()
        .map(|d| format!("district={}&", encode(d)))
        .unwrap_or_default();
    format!("{district}from={}&to={}", view.from, view.to)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn DashboardContent(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let query = base_query(&view);
    let title = locale.tf("dashboard.title", &[("scope", &view.scope_name)]);
    let csv = |table: &str| format!("/dashboard/export.csv?table={table}&{query}");
    view! {
        <Title text=title.clone()/>
        <section class="page dashboard">
            <h1>{title}</h1>
            <p class="summary">
                {locale.tf("dashboard.period_line", &[
                    ("from", &long_date(locale, &view.from)),
                    ("to", &long_date(locale, &view.to)),
                    ("previous_from", &long_date(locale, &view.previous_from)),
                    ("previous_to", &long_date(locale, &view.previous_to)),
                ])}
            </p>
            {view.period_error.clone().map(|message| view! {
                <p class="notice error" role="alert">{message}</p>
            })}
            {(!view.scopes.is_empty()).then(|| view! {
                <LinkList label=locale.t("dashboard.scopes") links=view.scopes.clone() translate=false/>
            })}
            <LinkList label=locale.t("dashboard.periods") links=view.periods.clone() translate=true/>
            <p><a href=format!("/dashboard/report{}", view.district.as_deref().map(|d| format!("?district={}", encode(d))).unwrap_or_default())>
                {locale.t("dashboard.report.link")}
            </a></p>
            <PeriodForm view=view.clone()/>
            <Figures view=view.clone()/>
            <p class="hint">{locale.t("dashboard.privacy")}</p>
            <TrendCharts trend=view.trend.clone()/>
            <p><a href=csv("days") download="">{locale.t("dashboard.export_days")}</a></p>
            <Shops view=view.clone()/>
            <p><a href=csv("shops") download="">{locale.t("dashboard.export_shops")}</a></p>
            {(!view.districts.is_empty()).then(|| view! {
                <Districts view=view.clone()/>
                <p><a href=csv("districts") download="">{locale.t("dashboard.export_districts")}</a></p>
            })}
            <Onboarding view=view.clone()/>
            <p><a href=csv("figures") download="">{locale.t("dashboard.export_figures")}</a></p>
        </section>
    }
}

#[component]
fn LinkList(
    label: String,
    links: Vec<DashboardLink>,
    translate: bool,
    #[prop(default = "/dashboard")] base: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let shown = label.clone();
    view! {
        <nav aria-label=label class="dashboard-links">
            <span class="hint">{shown}</span>
            <ul class="filter-links" role="list">
                {links.into_iter().map(|link| {
                    let text = if translate { locale.t(&link.label) } else { link.label.clone() };
                    view! {
                        <li>
                            <a href=format!("{base}?{}", link.query)
                                aria-current=link.current.then_some("page")>{text}</a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// Another period: two dates (a browser without a date picker takes `YYYY-MM-DD`).
#[component]
fn PeriodForm(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    view! {
        <details class="period-form">
            <summary>{locale.t("dashboard.other_period")}</summary>
            <form method="get" action="/dashboard" class="stacked-form">
                {view.district.clone().map(|d| view! { <input type="hidden" name="district" value=d/> })}
                <label for="dashboard-from">{locale.t("dashboard.from")}</label>
                <input type="date" id="dashboard-from" name="from" value=view.from.clone() required=true/>
                <label for="dashboard-to">{locale.t("dashboard.to")}</label>
                <input type="date" id="dashboard-to" name="to" value=view.to.clone() required=true/>
                <p class="hint">{locale.t("dashboard.period_hint")}</p>
                <button type="submit" class="button">{locale.t("dashboard.show")}</button>
            </form>
        </details>
    }
}

/// "12 (avant : 7, +5)".
fn compared(locale: Locale, value: Shown, previous: Option<Shown>) -> Option<String> {
    let previous = previous?;
    let change = value
        .change(previous)
        .map(|c| match c {
            0 => "=".to_owned(),
            c if c > 0 => format!("+{c}"),
            c => format!("−{}", c.unsigned_abs()),
        })
        .map(|c| format!(", {c}"))
        .unwrap_or_default();
    Some(locale.tf(
        "dashboard.before",
        &[("previous", &previous.text()), ("change", &change)],
    ))
}

#[component]
fn Figures(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let percent = |value: Option<u8>| value.map_or_else(|| "—".to_owned(), |v| format!("{v} %"));
    let rating = view.rating_tenths.map_or_else(
        || "—".to_owned(),
        |t| {
            locale.tf(
                "dashboard.rating_value",
                &[("rating", &format!("{},{}", t / 10, t % 10))],
            )
        },
    );
    view! {
        <section aria-labelledby="figures-title">
            <h2 id="figures-title">{locale.t("dashboard.figures")}</h2>
            <dl class="figures">
                {view.figures.iter().map(|f| view! {
                    <div class="figure">
                        <dt>{locale.t(&format!("dashboard.figure.{}", f.key))}</dt>
                        <dd>
                            <strong>{f.value.text()}</strong>
                            {compared(locale, f.value, f.previous).map(|c| view! { " " <span class="hint">{c}</span> })}
                        </dd>
                    </div>
                }).collect_view()}
                <div class="figure">
                    <dt>{locale.t("dashboard.figure.open_rate")}</dt>
                    <dd><strong>{percent(view.open_rate_percent)}</strong></dd>
                </div>
                <div class="figure">
                    <dt>{locale.t("dashboard.figure.average_rating")}</dt>
                    <dd><strong>{rating}</strong></dd>
                </div>
                <div class="figure">
                    <dt>{locale.t("dashboard.figure.answered_percent")}</dt>
                    <dd><strong>{percent(view.answered_percent)}</strong></dd>
                </div>
            </dl>
            <h3>{locale.t("dashboard.posts_by_kind")}</h3>
            <table class="data-table">
                <thead><tr>
                    <th scope="col">{locale.t("dashboard.kind_label")}</th>
                    <th scope="col">{locale.t("dashboard.this_period")}</th>
                    <th scope="col">{locale.t("dashboard.previous_period")}</th>
                </tr></thead>
                <tbody>
                    {view.posts.iter().map(|k| view! {
                        <tr>
                            <th scope="row">{locale.t(&format!("dashboard.kind.{}", k.kind))}</th>
                            <td>{k.count}</td>
                            <td>{k.previous}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The daily views, follows and notification taps as bar charts, with every day's numbers (and
/// shares) in a table.
#[component]
fn TrendCharts(trend: Vec<TrendDay>) -> impl IntoView {
    let locale = use_locale();
    let series = |pick: fn(&TrendDay) -> Shown| -> Vec<(String, Shown)> {
        trend.iter().map(|d| (d.day.clone(), pick(d))).collect()
    };
    let views = series(|d| d.views);
    let follows = series(|d| d.follows);
    let opened = series(|d| d.opened);
    view! {
        <section aria-labelledby="trend-title">
            <h2 id="trend-title">{locale.t("dashboard.trend")}</h2>
            <BarChart id="views" title=locale.t("dashboard.chart.views") values=views/>
            <BarChart id="follows" title=locale.t("dashboard.chart.follows") values=follows/>
            <BarChart id="opened" title=locale.t("dashboard.chart.opened") values=opened/>
            <details>
                <summary>{locale.t("dashboard.chart.table")}</summary>
                <div class="table-scroll">
                    <table class="data-table">
                        <caption class="visually-hidden">{locale.t("dashboard.trend")}</caption>
                        <thead><tr>
                            <th scope="col">{locale.t("dashboard.csv.day")}</th>
                            <th scope="col">{locale.t("dashboard.csv.views")}</th>
                            <th scope="col">{locale.t("dashboard.csv.follows")}</th>
                            <th scope="col">{locale.t("dashboard.csv.opened")}</th>
                            <th scope="col">{locale.t("dashboard.csv.shares")}</th>
                        </tr></thead>
                        <tbody>
                            {trend.into_iter().map(|d| view! {
                                <tr>
                                    <th scope="row"><time datetime=d.day.clone()>{long_date(locale, &d.day)}</time></th>
                                    <td>{d.views.text()}</td>
                                    <td>{d.follows.text()}</td>
                                    <td>{d.opened.text()}</td>
                                    <td>{d.shares.text()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// Chart geometry (SVG user units).
const CHART_WIDTH: f64 = 600.0;
const CHART_HEIGHT: f64 = 150.0;

/// One bar per day; a "< 5" day drawn hatched at the height of 5.
#[component]
fn BarChart(id: &'static str, title: String, values: Vec<(String, Shown)>) -> impl IntoView {
    let locale = use_locale();
    // The summary says only what the bars say: exact days add up, "< 5" days are counted apart.
    let max = values
        .iter()
        .filter_map(|(_, v)| v.count())
        .max()
        .unwrap_or(0);
    let top = scale_top(max);
    let total: i64 = values.iter().filter_map(|(_, v)| v.count()).sum();
    let masked = values
        .iter()
        .filter(|(_, v)| *v == Shown::FewerThanFive)
        .count();
    let width = CHART_WIDTH / values.len().max(1) as f64;
    let mut summary = locale.tf(
        "dashboard.chart.summary",
        &[("total", &total.to_string()), ("max", &max.to_string())],
    );
    if masked > 0 {
        summary.push(' ');
        summary.push_str(&locale.plural("dashboard.chart.masked_days", masked as i64));
    }
    let pattern = format!("few-{id}");
    let title_id = format!("chart-{id}-title");
    view! {
        <figure class="chart">
            <figcaption id=title_id.clone()>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {CHART_WIDTH} {}", CHART_HEIGHT + 1.0) role="img"
                aria-labelledby=title_id aria-describedby=format!("chart-{id}-summary")
                preserveAspectRatio="none" class="bars">
                <defs>
                    <pattern id=pattern.clone() width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="2" height="6" class="hatch"/>
                    </pattern>
                </defs>
                <line x1="0" y1=CHART_HEIGHT x2=CHART_WIDTH y2=CHART_HEIGHT class="axis"/>
                {values.into_iter().enumerate().filter_map(|(i, (day, value))| {
                    let (n, class, fill) = match value {
                        Shown::Count(0) => return None,
                        Shown::Count(n) => (n, "bar", None),
                        // Hatched, outlined, at the height of 5: not a number.
                        Shown::FewerThanFive => {
                            (crate::model::PRIVACY_THRESHOLD, "few", Some(format!("url(#{pattern})")))
                        }
                    };
                    let height = CHART_HEIGHT * n as f64 / top as f64;
                    Some(view! {
                        <rect x=format!("{:.2}", i as f64 * width + width * 0.1) y=format!("{:.2}", CHART_HEIGHT - height)
                            width=format!("{:.2}", width * 0.8) height=format!("{height:.2}") class=class fill=fill>
                            <title>{format!("{} : {}", long_date(locale, &day), value.text())}</title>
                        </rect>
                    })
                }).collect_view()}
            </svg>
            <p class="hint chart-scale" id=format!("chart-{id}-summary")>
                {summary} " " {locale.tf("dashboard.chart.scale", &[("top", &top.to_string())])}
            </p>
        </figure>
    }
}

/// A "nice" top for a chart's scale: 1, 2 or 5 times a power of ten, at least `max` and 5.
fn scale_top(max: i64) -> i64 {
    let max = max.max(crate::model::PRIVACY_THRESHOLD);
    let mut power = 1i64;
    loop {
        for step in [1i64, 2, 5] {
            let top = step.saturating_mul(power);
            if top >= max {
                return top;
            }
        }
        power = power.saturating_mul(10);
    }
}

#[component]
fn Shops(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let query = base_query(&view);
    let sorted = view.sort.clone();
    let header = move |column: &'static str, key: &'static str| {
        let current = sorted == column;
        view! {
            <th scope="col" aria-sort=current.then_some(if column == "name" { "ascending" } else { "descending" })>
                <a href=format!("/dashboard?{query}&sort={column}#shops-title")>
                    {locale.t(key)}<span class="visually-hidden">{locale.t("dashboard.sort_hint")}</span>
                </a>
            </th>
        }
    };
    let rating = |t: Option<i64>| t.map_or_else(String::new, |t| format!("{},{}", t / 10, t % 10));
    let rows = |shop: &DashboardShop| {
        view! {
            <tr>
                <th scope="row"><a href=format!("/shops/{}", shop.slug)>{shop.name.clone()}</a>
                    {shop.district.clone().map(|d| view! { <br/><span class="hint">{d}</span> })}</th>
                <td>{shop.views.text()}</td>
                <td>{shop.followers.text()}</td>
                <td>{shop.new_follows.text()}</td>
                <td>{shop.poster_scans.text()}</td>
                <td>{shop.poster_follows.text()}</td>
                <td>{shop.shares.text()}</td>
                <td>{shop.posts}</td>
                <td>{shop.reviews} " " <span class="hint">{rating(shop.rating_tenths)}</span></td>
                <td>{shop.visibility}</td>
                <td>{locale.t(&format!("manage.step_label.{}", shop.step))}</td>
            </tr>
        }
    };
    view! {
        <section aria-labelledby="shops-title">
            <h2 id="shops-title" tabindex="-1">{locale.t("dashboard.shops")}</h2>
            {view.shops.is_empty().then(|| view! { <p>{locale.t("dashboard.no_shops")}</p> })}
            <div class="table-scroll">
                <table class="data-table shops-table">
                    <caption class="visually-hidden">{locale.tf("dashboard.sorted_by", &[("column", &locale.t(&format!("dashboard.csv.{}", view.sort)))])}</caption>
                    <thead><tr>
                        {header("name", "dashboard.csv.name")}
                        {header("views", "dashboard.csv.views")}
                        {header("followers", "dashboard.csv.followers")}
                        <th scope="col">{locale.t("dashboard.csv.follows")}</th>
                        {header("poster_scans", "dashboard.csv.poster_scans")}
                        <th scope="col">{locale.t("dashboard.csv.poster_follows")}</th>
                        {header("shares", "dashboard.csv.shares")}
                        {header("posts", "dashboard.csv.posts")}
                        {header("reviews", "dashboard.csv.reviews")}
                        {header("visibility", "dashboard.csv.visibility")}
                        <th scope="col">{locale.t("dashboard.csv.step")}</th>
                    </tr></thead>
                    <tbody>{view.shops.iter().map(rows).collect_view()}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Districts(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let query = format!("from={}&to={}", view.from, view.to);
    view! {
        <section aria-labelledby="districts-title">
            <h2 id="districts-title">{locale.t("dashboard.districts")}</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead><tr>
                        <th scope="col">{locale.t("dashboard.csv.district")}</th>
                        <th scope="col">{locale.t("dashboard.csv.shops")}</th>
                        <th scope="col">{locale.t("dashboard.csv.followers")}</th>
                        <th scope="col">{locale.t("dashboard.csv.views")}</th>
                        <th scope="col">{locale.t("dashboard.csv.posts")}</th>
                        <th scope="col">{locale.t("dashboard.csv.visibility")}</th>
                    </tr></thead>
                    <tbody>
                        {view.districts.iter().map(|d| view! {
                            <tr>
                                <th scope="row"><a href=format!("/dashboard?district={}&{query}", encode(&d.slug))>{d.name.clone()}</a></th>
                                <td>{d.shops}</td>
                                <td>{d.followers.text()}</td>
                                <td>{d.views.text()}</td>
                                <td>{d.posts}</td>
                                <td>{d.average_visibility.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Visibility and the onboarding funnel of the shops in view (now, whatever the period).
#[component]
fn Onboarding(view: DashboardView) -> impl IntoView {
    let locale = use_locale();
    let bands = ["0–24", "25–49", "50–74", "75–100"];
    view! {
        <section aria-labelledby="onboarding-title">
            <h2 id="onboarding-title">{locale.t("dashboard.onboarding")}</h2>
            <p>{view.average_visibility.map_or_else(
                || locale.t("dashboard.no_shops"),
                |v| locale.tf("manage.average_visibility", &[("score", &v.to_string())]),
            )}</p>
            <table class="data-table">
                <caption>{locale.t("dashboard.visibility_bands")}</caption>
                <thead><tr>
                    <th scope="col">{locale.t("dashboard.csv.visibility")}</th>
                    <th scope="col">{locale.t("dashboard.csv.shops")}</th>
                </tr></thead>
                <tbody>
                    {bands.iter().zip(view.visibility_bands.iter()).map(|(band, n)| view! {
                        <tr><th scope="row">{*band}</th><td>{*n}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h3>{locale.t("manage.steps_title")}</h3>
            <ol class="funnel">
                {view.funnel.iter().map(|step| view! {
                    <li>{locale.plural(&step.key, step.count as i64)}</li>
                }).collect_view()}
            </ol>
            <p><a href="/manage">{locale.t("dashboard.to_manage")}</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_queries() {
        assert_eq!(scale_top(0), 5);
        assert_eq!(scale_top(7), 10);
        assert_eq!(scale_top(180), 200);
        assert_eq!(scale_top(201), 500);
        assert_eq!(encode("centre-ville"), "centre-ville");
        assert_eq!(encode("a&b=c"), "a%26b%3Dc");
    }
}

/// `/dashboard/report?month=2026-11`: the month in plain sentences for elected officials,
/// made to be printed (A4) or saved as PDF from the browser.
#[component]
pub fn ReportPage() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let report = Resource::new(
        move || query.with(|q| (q.get("district"), q.get("month"))),
        |(district, month)| crate::api::dashboard::get_report(district, month),
    );
    view! {
        <Meta name="robots" content="noindex"/>
        <Loaded resource=report sign_in_to="/dashboard/report".to_string() let:view>
            <ReportContent view/>
        </Loaded>
    }
}

/// "novembre 2026" from `2026-11`.
fn month_label(locale: Locale, month: &str) -> String {
    let mut parts = month.splitn(2, '-');
    match (
        parts.next().and_then(|y| y.parse::<i32>().ok()),
        parts.next().and_then(|m| m.parse::<u8>().ok()),
    ) {
        (Some(year), Some(m @ 1..=12)) => {
            format!("{} {year}", locale.t(&format!("month.{m}")))
        }
        _ => month.to_owned(),
    }
}

/// A figure in a sentence: the number, or "moins de 5".
fn said(locale: Locale, value: Shown) -> String {
    match value {
        Shown::Count(n) => n.to_string(),
        Shown::FewerThanFive => locale.t("dashboard.report.fewer_than_five"),
    }
}

/// "+12 %" from the previous value (nothing when there is nothing to compare with).
fn evolution(value: Shown, previous: Option<Shown>) -> Option<String> {
    let (value, previous) = (value.count()?, previous?.count()?);
    if previous == 0 {
        return None;
    }
    let percent = ((value - previous) as f64 * 100.0 / previous as f64).round() as i64;
    Some(match percent {
        0 => "=".to_owned(),
        p if p > 0 => format!("+{p} %"),
        p => format!("−{} %", p.unsigned_abs()),
    })
}

#[component]
fn ReportContent(view: crate::model::MonthlyReportView) -> impl IntoView {
    let locale = use_locale();
    let dashboard = view.dashboard.clone();
    let month = month_label(locale, &view.month);
    let previous_month = month_label(locale, &view.previous_month);
    let title = locale.tf(
        "dashboard.report.title",
        &[("scope", &dashboard.scope_name), ("month", &month)],
    );
    let figure = |key: &str| {
        dashboard
            .figures
            .iter()
            .find(|f| f.key == key)
            .map(|f| (f.value, f.previous))
            .unwrap_or((Shown::Count(0), None))
    };
    let fill = |key: &str, args: &[(&str, String)]| {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        locale.tf(key, &args)
    };
    let views = {
        let (total, before) = (view.page_views, Some(view.previous_page_views));
        let change = evolution(total, before)
            .map(|c| {
                fill(
                    "dashboard.report.change",
                    &[("change", c), ("previous_month", previous_month.clone())],
                )
            })
            .unwrap_or_default();
        fill(
            "dashboard.report.views",
            &[
                ("views", said(locale, total)),
                ("post_views", said(locale, figure("post_views").0)),
                ("change", change),
            ],
        )
    };
    let followers = fill(
        "dashboard.report.followers",
        &[
            ("followers", said(locale, figure("followers").0)),
            ("new", said(locale, figure("new_follows").0)),
            ("lost", said(locale, figure("lost_follows").0)),
        ],
    );
    let kind = |k: &str| {
        dashboard
            .posts
            .iter()
            .find(|p| p.kind == k)
            .map_or(0, |p| p.count)
            .to_string()
    };
    let posts = fill(
        "dashboard.report.posts",
        &[
            ("offers", kind("offer")),
            ("events", kind("event")),
            ("news", kind("news")),
        ],
    );
    let push = fill(
        "dashboard.report.push",
        &[
            ("delivered", said(locale, figure("push_delivered").0)),
            ("opened", said(locale, figure("push_opened").0)),
            (
                "rate",
                dashboard
                    .open_rate_percent
                    .map_or_else(|| "—".to_owned(), |r| format!("{r} %")),
            ),
        ],
    );
    let posters = fill(
        "dashboard.report.posters",
        &[
            ("scans", said(locale, figure("poster_scans").0)),
            ("follows", said(locale, figure("poster_follows").0)),
        ],
    );
    let shares = fill(
        "dashboard.report.shares",
        &[("shares", said(locale, figure("shares").0))],
    );
    let reviews = match (figure("reviews").0, dashboard.rating_tenths) {
        (Shown::Count(n), Some(rating)) if n > 0 => fill(
            "dashboard.report.reviews",
            &[
                ("reviews", n.to_string()),
                ("rating", format!("{},{}", rating / 10, rating % 10)),
                (
                    "answered",
                    dashboard
                        .answered_percent
                        .map_or_else(|| "—".to_owned(), |a| format!("{a} %")),
                ),
            ],
        ),
        _ => locale.t("dashboard.report.no_reviews"),
    };
    let profiles = fill(
        "dashboard.report.profiles",
        &[
            ("claimed", dashboard.claimed.to_string()),
            ("shops", dashboard.shop_count.to_string()),
            (
                "visibility",
                dashboard
                    .average_visibility
                    .map_or_else(|| "—".to_owned(), |v| v.to_string()),
            ),
        ],
    );
    let stewards = fill(
        "dashboard.report.stewards",
        &[
            ("invitations", view.invitations.to_string()),
            ("accepted", view.accepted.to_string()),
            ("district_posts", view.district_posts.to_string()),
            ("on_behalf", view.posts_on_behalf.to_string()),
        ],
    );
    let top: Vec<DashboardShop> = dashboard
        .shops
        .iter()
        .filter(|s| s.views != Shown::Count(0))
        .take(10)
        .cloned()
        .collect();
    let views_trend: Vec<(String, Shown)> = dashboard
        .trend
        .iter()
        .map(|d| (d.day.clone(), d.views))
        .collect();
    let district_query = dashboard
        .district
        .as_deref()
        .map(|d| format!("district={}&", encode(d)))
        .unwrap_or_default();
    view! {
        <Title text=title.clone()/>
        <article class="page report">
            <h1>{title}</h1>
            <p class="hint">{locale.tf("dashboard.report.made_on", &[("date", &long_date(locale, &view.made_on))])}</p>
            {view.month_error.clone().map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
            <div class="report-tools">
                <p class="hint">{locale.t("dashboard.report.print_hint")}</p>
                <LinkList label=locale.t("dashboard.report.months") links=view.months.iter().map(|m| DashboardLink {
                    label: month_label(locale, &m.label),
                    query: m.query.clone(),
                    current: m.current,
                }).collect() translate=false base="/dashboard/report"/>
                <p><a href=format!("/dashboard?{district_query}from={}&to={}", dashboard.from, dashboard.to)>{locale.t("dashboard.report.to_dashboard")}</a></p>
            </div>
            <section aria-labelledby="report-summary">
                <h2 id="report-summary">{locale.t("dashboard.report.summary")}</h2>
                <ul class="report-sentences">
                    <li>{views}</li>
                    <li>{followers}</li>
                    <li>{posts}</li>
                    <li>{push}</li>
                    <li>{posters}</li>
                    <li>{shares}</li>
                    <li>{reviews}</li>
                    <li>{profiles}</li>
                </ul>
            </section>
            <section aria-labelledby="report-trend">
                <h2 id="report-trend">{locale.t("dashboard.report.trend_title")}</h2>
                <BarChart id="report-views" title=locale.t("dashboard.chart.views") values=views_trend/>
            </section>
            <section aria-labelledby="report-top">
                <h2 id="report-top">{locale.t("dashboard.report.top_title")}</h2>
                {top.is_empty().then(|| view! { <p>{locale.t("dashboard.report.top_empty")}</p> })}
                {(!top.is_empty()).then(|| view! {
                    <table class="data-table">
                        <thead><tr>
                            <th scope="col">{locale.t("dashboard.report.rank")}</th>
                            <th scope="col">{locale.t("dashboard.csv.shop")}</th>
                            <th scope="col">{locale.t("dashboard.csv.views")}</th>
                            <th scope="col">{locale.t("dashboard.csv.followers")}</th>
                        </tr></thead>
                        <tbody>
                            {top.iter().enumerate().map(|(i, s)| view! {
                                <tr>
                                    <td>{i + 1}</td>
                                    <th scope="row">{s.name.clone()}{s.district.clone().map(|d| view! { <span class="hint">" · " {d}</span> })}</th>
                                    <td>{s.views.text()}</td>
                                    <td>{s.followers.text()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
            </section>
            <section aria-labelledby="report-stewards">
                <h2 id="report-stewards">{locale.t("dashboard.report.stewards_title")}</h2>
                <p>{stewards}</p>
            </section>
        </article>
    }
}
