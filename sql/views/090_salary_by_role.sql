-- salary_by_role: published pay of distinct labelled ads, per role, currency and pay
-- period (amounts are never converted): the medians of the published bounds and the
-- quartiles of each ad's midpoint (the single bound when only one is published).
-- Grain: one row per (role, salary_currency, salary_period).
CREATE OR REPLACE VIEW salary_by_role AS
WITH
ads AS (
    SELECT label AS role, salary_currency, salary_period, salary_min, salary_max
    FROM distinct_ads
    WHERE label IS NOT NULL
        AND (salary_min IS NOT NULL OR salary_max IS NOT NULL)
),

midpoints AS (
    SELECT
        *,
        coalesce((salary_min + salary_max) / 2, salary_min, salary_max) AS salary_midpoint
    FROM ads
),

final AS (
    SELECT
        role,
        salary_currency,
        salary_period,
        count(*) AS ads,
        median(salary_min) AS salary_min_median,
        median(salary_max) AS salary_max_median,
        quantile_cont(salary_midpoint, 0.25) AS midpoint_p25,
        median(salary_midpoint) AS midpoint_median,
        quantile_cont(salary_midpoint, 0.75) AS midpoint_p75
    FROM midpoints
    GROUP BY role, salary_currency, salary_period
)

SELECT * FROM final;
