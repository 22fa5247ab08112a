-- Question: What are the five skills most often asked for in each role?
-- Columns:
--   role     the role
--   rank     1 for the most frequent skill of the role
--   ref_id   the skill
--   family   its family
--   ads      distinct ads of the role mentioning it
--   share    ads / distinct labelled ads of the role
WITH
skills AS (
    SELECT role, rank, ref_id, family, ads, share
    FROM role_skills
    WHERE kind = 'skill'
),

final AS (
    SELECT * FROM skills WHERE rank <= 5
)

SELECT * FROM final ORDER BY role, rank;
