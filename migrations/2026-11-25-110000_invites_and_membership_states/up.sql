-- Membership states and one standing invite code per group (docs/API.md, "Invites and
-- the approval queue"). Safe on a database created by the upstream Node server, which
-- may already hold these columns, indexes and rows under the same names.

-- Memberships: `active` (a member), `pending` (a join request). `declined` rows written
-- by older servers are read as absent.
ALTER TABLE group_memberships
    ADD COLUMN IF NOT EXISTS status VARCHAR(20) NOT NULL DEFAULT 'active';
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conname = 'chk_group_memberships_status') THEN
        ALTER TABLE group_memberships ADD CONSTRAINT chk_group_memberships_status
            CHECK (status IN ('pending', 'active', 'declined')) NOT VALID;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS idx_memberships_pending
    ON group_memberships(group_id, user_id, joined_at) WHERE status = 'pending';

-- Invite codes: revoked_at marks a code as no longer usable; the use limits and expiry
-- of older servers are kept but never written again.
ALTER TABLE invite_codes ADD COLUMN IF NOT EXISTS revoked_at TIMESTAMPTZ;
ALTER TABLE invite_codes ADD COLUMN IF NOT EXISTS max_uses INT;
ALTER TABLE invite_codes ADD COLUMN IF NOT EXISTS current_uses INT DEFAULT 0;
ALTER TABLE invite_codes ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ;
ALTER TABLE invite_codes ALTER COLUMN created_by_user_id DROP NOT NULL;
DROP TRIGGER IF EXISTS trg_enforce_invite_max_uses ON invite_codes;
DROP FUNCTION IF EXISTS enforce_invite_max_uses();

-- Expired and used-up codes are revoked, then all but the newest live code per group.
UPDATE invite_codes SET revoked_at = NOW()
WHERE revoked_at IS NULL
  AND ((expires_at IS NOT NULL AND expires_at <= NOW())
       OR (max_uses IS NOT NULL AND COALESCE(current_uses, 0) >= max_uses));
UPDATE invite_codes i SET revoked_at = NOW()
FROM (SELECT id, row_number() OVER (PARTITION BY group_id
                                    ORDER BY created_at DESC, id DESC) AS rn
      FROM invite_codes WHERE revoked_at IS NULL) r
WHERE i.id = r.id AND r.rn > 1;

-- Every group without a live code gets one: PURSUE-XXXXXX-XXXXXX from the random bytes
-- of gen_random_uuid() (a CSPRNG); 256 is a multiple of the 32-letter alphabet, so each
-- letter is equally likely. The bytes holding the UUID version and variant are skipped.
CREATE OR REPLACE FUNCTION pursue_new_invite_code() RETURNS TEXT AS $$
DECLARE
    b BYTEA := uuid_send(gen_random_uuid());
    alphabet TEXT := 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    positions INT[] := ARRAY[0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14];
    code TEXT := 'PURSUE-';
BEGIN
    FOR i IN 1..12 LOOP
        code := code || substr(alphabet, get_byte(b, positions[i]) % 32 + 1, 1);
        IF i = 6 THEN
            code := code || '-';
        END IF;
    END LOOP;
    RETURN code;
END;
$$ LANGUAGE plpgsql VOLATILE;
INSERT INTO invite_codes (group_id, code, created_by_user_id, created_at)
SELECT g.id, pursue_new_invite_code(), g.creator_user_id, NOW()
FROM groups g
WHERE NOT EXISTS (SELECT 1 FROM invite_codes i
                  WHERE i.group_id = g.id AND i.revoked_at IS NULL);
DROP FUNCTION pursue_new_invite_code();

CREATE UNIQUE INDEX IF NOT EXISTS idx_invite_codes_active_per_group
    ON invite_codes(group_id) WHERE revoked_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_invite_codes_code ON invite_codes(code);
