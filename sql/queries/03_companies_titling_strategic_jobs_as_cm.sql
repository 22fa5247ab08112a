-- Question: Which companies title strategic jobs as community manager (the title says
--   community manager, the content describes a social media strategist)?
-- Columns:
--   company                 hiring organisation
--   cm_titled_ads           its distinct labelled ads whose title names community manager
--   strategic_ads           of those, ads whose content is social_media_strategist
--   strategic_share         strategic_ads / cm_titled_ads
--   open_strategic_ads      strategic_ads still listed
--   example_titles          up to three distinct titles of those ads
-- Only companies with at least one such ad; most such ads first.
WITH
cm_titled AS (
    SELECT company, cluster_id, title, label, is_open
    FROM distinct_ads
    WHERE title_label = 'community_manager' AND label IS NOT NULL
),

per_company AS (
    SELECT
        company,
        count(*) AS cm_titled_ads,
        count(*) FILTER (WHERE label = 'social_media_strategist') AS strategic_ads,
        count(*) FILTER (WHERE label = 'social_media_strategist' AND is_open)
            AS open_strategic_ads,
        list_sort(list_distinct(list(title) FILTER (WHERE label = 'social_media_strategist')))
            AS strategic_titles
    FROM cm_titled
    GROUP BY company
),

final AS (
    SELECT
        company,
        cm_titled_ads,
        strategic_ads,
        strategic_ads / cm_titled_ads AS strategic_share,
        open_strategic_ads,
        strategic_titles[1:3] AS example_titles
    FROM per_company
    WHERE strategic_ads > 0
)

SELECT * FROM final ORDER BY strategic_ads DESC, strategic_share DESC, company;
