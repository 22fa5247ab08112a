-- role_skills: the skills, criteria, signals and red flags found in each role's distinct
-- ads, with how many of the role's ads mention each and that share, ranked within the role
-- and kind (rank 1 = most frequent). Filter rank <= 10 for a top ten.
-- Grain: one row per (role, kind, ref_id).
CREATE OR REPLACE VIEW role_skills AS
WITH
ads AS (
    SELECT cluster_id, label AS role
    FROM distinct_ads
    WHERE label IS NOT NULL
),

role_sizes AS (
    SELECT role, count(*) AS role_ads
    FROM ads
    GROUP BY role
),

ad_mentions AS (
    -- a mention counts once per ad, however often the ad repeats it
    SELECT cluster_id, kind, ref_id, min(family) AS family
    FROM posting_mentions
    WHERE is_cluster_representative
    GROUP BY cluster_id, kind, ref_id
),

role_counts AS (
    SELECT a.role, m.kind, m.ref_id, min(m.family) AS family, count(*) AS ads
    FROM ad_mentions AS m
    JOIN ads AS a ON a.cluster_id = m.cluster_id
    GROUP BY a.role, m.kind, m.ref_id
),

final AS (
    SELECT
        c.role,
        c.kind,
        c.ref_id,
        c.family,
        c.ads,
        s.role_ads,
        c.ads / s.role_ads AS share,
        row_number() OVER (PARTITION BY c.role, c.kind ORDER BY c.ads DESC, c.ref_id) AS rank
    FROM role_counts AS c
    JOIN role_sizes AS s ON s.role = c.role
)

SELECT * FROM final;
