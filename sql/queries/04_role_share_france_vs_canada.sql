-- Question: How does the mix of roles differ between France and Canada?
-- Columns:
--   role      the role
--   fr_ads    distinct labelled ads in France with this role
--   fr_share  fr_ads / all labelled ads in France
--   ca_ads    distinct labelled ads in Canada with this role
--   ca_share  ca_ads / all labelled ads in Canada
WITH
by_country AS (
    SELECT country, role, ads, share
    FROM role_share_by_country
    WHERE country IN ('FR', 'CA')
),

roles AS (
    SELECT DISTINCT role FROM by_country
),

final AS (
    SELECT
        r.role,
        coalesce(fr.ads, 0) AS fr_ads,
        fr.share AS fr_share,
        coalesce(ca.ads, 0) AS ca_ads,
        ca.share AS ca_share
    FROM roles AS r
    LEFT JOIN by_country AS fr ON fr.role = r.role AND fr.country = 'FR'
    LEFT JOIN by_country AS ca ON ca.role = r.role AND ca.country = 'CA'
)

SELECT * FROM final ORDER BY role;
