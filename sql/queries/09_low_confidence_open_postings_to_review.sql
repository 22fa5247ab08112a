-- Question: Which open postings is the model unsure about, so a person should label them?
-- Columns:
--   posting_id             the posting (label it with `rolescope label`)
--   title                  title as published
--   company                hiring organisation
--   label                  the model's best guess
--   confidence             probability of that guess
--   runner_up_role         the second most likely role
--   runner_up_probability  its probability
--   human_label            a label a person already gave it, if any
-- Least confident first.
WITH
unsure AS (
    SELECT
        posting_id, title, company, label, confidence, human_label,
        prob_community_manager, prob_social_media_manager, prob_social_media_strategist,
        prob_other
    FROM current_postings
    WHERE low_confidence
),

ranked_roles AS (
    SELECT
        *,
        list_sort(
            [
                {'probability': prob_community_manager, 'role': 'community_manager'},
                {'probability': prob_social_media_manager, 'role': 'social_media_manager'},
                {'probability': prob_social_media_strategist,
                 'role': 'social_media_strategist'},
                {'probability': prob_other, 'role': 'other'}
            ],
            'DESC'
        ) AS by_probability
    FROM unsure
),

final AS (
    SELECT
        posting_id,
        title,
        company,
        label,
        confidence,
        by_probability[2].role AS runner_up_role,
        by_probability[2].probability AS runner_up_probability,
        human_label
    FROM ranked_roles
)

SELECT * FROM final ORDER BY confidence, posting_id;
