import { appendOnly, type Migration } from './migration.js';

const AUDIT_TABLES = ['hook_call', 'finding', 'card', 'suggestion', 'rule_error', 'notice', 'feedback', 'notice_acknowledgement'];

/**
 * The audit trail (docs/design.md#audit): every hook call with its findings, cards, suggestions,
 * rule errors and notice; every feedback item; every notice acknowledgement. Append-only, enforced
 * by triggers. Findings hold codes, references and numbers (`params`), never resource bodies; the
 * notice content is our own generated notice data. `jti_seen` is the replay cache shared by
 * replicas (prunable, so not append-only).
 */
export const migration0001: Migration = {
  version: 1,
  name: 'audit-trail',
  statements: [
    `CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only table %: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001';
END
$$`,
    `CREATE TABLE hook_call (
  id uuid PRIMARY KEY,
  hook_instance text NOT NULL,
  service_id text NOT NULL,
  hook text NOT NULL,
  received_at timestamptz NOT NULL,
  issuer text NOT NULL,
  tenant text,
  institution_id text,
  practitioner_id text,
  patient_id text,
  pregnancy_key text,
  status integer NOT NULL,
  latency_ms integer NOT NULL CHECK (latency_ms >= 0)
)`,
    'CREATE INDEX hook_call_received_at ON hook_call (received_at)',
    'CREATE INDEX hook_call_institution ON hook_call (institution_id, received_at)',
    'CREATE INDEX hook_call_hook_instance ON hook_call (hook_instance)',
    `CREATE TABLE finding (
  hook_call_id uuid NOT NULL REFERENCES hook_call (id),
  ordinal integer NOT NULL,
  rule text NOT NULL,
  rule_version text,
  citation text NOT NULL,
  evidence jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'array'),
  params jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
  PRIMARY KEY (hook_call_id, ordinal)
)`,
    'CREATE INDEX finding_rule ON finding (rule)',
    `CREATE TABLE card (
  hook_call_id uuid NOT NULL REFERENCES hook_call (id),
  uuid text NOT NULL,
  indicator text NOT NULL CHECK (indicator IN ('info', 'warning', 'critical')),
  rules text[] NOT NULL,
  PRIMARY KEY (hook_call_id, uuid)
)`,
    'CREATE INDEX card_uuid ON card (uuid)',
    `CREATE TABLE suggestion (
  hook_call_id uuid NOT NULL,
  card_uuid text NOT NULL,
  uuid text NOT NULL,
  kind text NOT NULL,
  PRIMARY KEY (hook_call_id, card_uuid, uuid),
  FOREIGN KEY (hook_call_id, card_uuid) REFERENCES card (hook_call_id, uuid)
)`,
    `CREATE TABLE rule_error (
  hook_call_id uuid NOT NULL REFERENCES hook_call (id),
  ordinal integer NOT NULL,
  rule text NOT NULL,
  rule_version text,
  citation text,
  cause text NOT NULL,
  PRIMARY KEY (hook_call_id, ordinal)
)`,
    `CREATE TABLE notice (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL,
  hash text NOT NULL,
  patient_id text NOT NULL,
  pregnancy_key text,
  institution_id text,
  practitioner_id text,
  hook_call_id uuid REFERENCES hook_call (id),
  rules text[] NOT NULL,
  content jsonb NOT NULL
)`,
    'CREATE INDEX notice_created_at ON notice (created_at)',
    'CREATE INDEX notice_institution ON notice (institution_id, created_at)',
    'CREATE INDEX notice_pregnancy ON notice (pregnancy_key)',
    `CREATE TABLE feedback (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id text NOT NULL,
  card_uuid text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
  accepted_suggestions jsonb NOT NULL CHECK (jsonb_typeof(accepted_suggestions) = 'array'),
  override_reason jsonb,
  outcome_timestamp timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  issuer text NOT NULL,
  dedupe_key text NOT NULL,
  item jsonb NOT NULL
)`,
    'CREATE INDEX feedback_received_at ON feedback (received_at)',
    'CREATE INDEX feedback_card ON feedback (card_uuid)',
    'CREATE INDEX feedback_dedupe ON feedback (dedupe_key)',
    `CREATE TABLE notice_acknowledgement (
  id text PRIMARY KEY,
  notice_id text NOT NULL REFERENCES notice (id),
  signer_kind text NOT NULL CHECK (signer_kind IN ('patient', 'family-member')),
  signer_name text NOT NULL,
  relationship text,
  decision text NOT NULL CHECK (decision IN ('accepted-referral', 'declined', 'undecided')),
  signed_at timestamptz NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL
)`,
    'CREATE INDEX notice_acknowledgement_notice ON notice_acknowledgement (notice_id)',
    'CREATE INDEX notice_acknowledgement_signed_at ON notice_acknowledgement (signed_at)',
    `CREATE TABLE jti_seen (
  iss text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (iss, jti)
)`,
    'CREATE INDEX jti_seen_expires_at ON jti_seen (expires_at)',
    ...AUDIT_TABLES.flatMap(appendOnly),
  ],
};
