-- Every change of what a user may see or do bumps their `rights_version`, in the transaction that
-- makes it: roles, ITIL, disabled, password (it ends their sessions), group membership, and a
-- queue moving to another group (for the members of both). Nodes compare it for the users they
-- hold sockets of, so a change whose signal was lost still reaches every node's sockets.
ALTER TABLE users ADD COLUMN rights_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION users_rights_changed() RETURNS trigger AS $$
BEGIN
    IF (NEW.is_admin, NEW.is_manager, NEW.is_agent, NEW.is_customer, NEW.itil, NEW.disabled,
        NEW.password_hash)
       IS DISTINCT FROM
       (OLD.is_admin, OLD.is_manager, OLD.is_agent, OLD.is_customer, OLD.itil, OLD.disabled,
        OLD.password_hash) THEN
        NEW.rights_version := OLD.rights_version + 1;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_rights_changed BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_rights_changed();

CREATE FUNCTION group_membership_changed() RETURNS trigger AS $$
DECLARE
    member BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        member := OLD.user_id;
    ELSE
        member := NEW.user_id;
    END IF;
    UPDATE users SET rights_version = rights_version + 1 WHERE id = member;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER group_membership_changed AFTER INSERT OR DELETE ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_membership_changed();

CREATE FUNCTION queue_group_changed() RETURNS trigger AS $$
BEGIN
    IF NEW.group_id IS DISTINCT FROM OLD.group_id THEN
        UPDATE users SET rights_version = rights_version + 1
            WHERE id IN (SELECT user_id FROM group_members
                         WHERE group_id IN (OLD.group_id, NEW.group_id));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER queue_group_changed AFTER UPDATE OF group_id ON queues
    FOR EACH ROW EXECUTE FUNCTION queue_group_changed();
