-- Question: What yearly pay do ads published in euros offer, per role?
-- Columns:
--   role             the role
--   ads              distinct labelled ads publishing a yearly pay in EUR
--   midpoint_p25     first quartile of the pay midpoints (EUR per year)
--   midpoint_median  median pay midpoint (EUR per year)
--   midpoint_p75     third quartile of the pay midpoints (EUR per year)
WITH
eur_yearly AS (
    SELECT role, ads, midpoint_p25, midpoint_median, midpoint_p75
    FROM salary_by_role
    WHERE salary_currency = 'EUR' AND salary_period = 'YEAR'
),

final AS (
    SELECT * FROM eur_yearly
)

SELECT * FROM final ORDER BY role;
