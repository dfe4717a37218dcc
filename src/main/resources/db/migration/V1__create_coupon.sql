-- One row per issued coupon. The unique keys are what make the writer idempotent: a re-delivered
-- coupon is skipped (ON CONFLICT DO NOTHING), a different coupon for the same user or the same
-- seq of an event is refused.
CREATE TABLE coupon (
    coupon_id    text        NOT NULL,
    event_id     text        NOT NULL,
    user_id      text        NOT NULL,
    seq          bigint      NOT NULL,
    request_id   text        NOT NULL,
    issued_at    timestamptz NOT NULL,
    persisted_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT coupon_pkey PRIMARY KEY (coupon_id),
    CONSTRAINT coupon_event_user_key UNIQUE (event_id, user_id),
    CONSTRAINT coupon_event_seq_key UNIQUE (event_id, seq),
    CONSTRAINT coupon_seq_positive CHECK (seq >= 1)
);
