//! Roles a user holds, and what each role may do.

/// A role in the directory. The ITIL role is not one of these: it is a separate flag on the user
/// because any user, a customer included, may hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Manager,
    Agent,
    Customer,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Agent, Role::Customer];

    /// The stable lowercase name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::Customer => "customer",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::Admin => 1,
            Role::Manager => 2,
            Role::Agent => 4,
            Role::Customer => 8,
        }
    }
}

/// The set of roles one user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleSet(u8);

impl RoleSet {
    /// A set holding exactly `roles`.
    pub fn of(roles: &[Role]) -> Self {
        roles.iter().copied().collect()
    }

    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// Works in the agent app: answers chats, or manages those who do.
    pub fn is_staff(self) -> bool {
        self.contains(Role::Agent) || self.contains(Role::Manager) || self.contains(Role::Admin)
    }

    /// May manage groups, membership, queues and canned messages.
    pub fn can_manage_queues(self) -> bool {
        self.contains(Role::Manager) || self.contains(Role::Admin)
    }

    /// May manage users.
    pub fn can_manage_users(self) -> bool {
        self.contains(Role::Admin)
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        RoleSet(iter.into_iter().fold(0, |acc, r| acc | r.bit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_follow_roles() {
        // (roles, staff, manage queues, manage users)
        let cases: &[(&[Role], bool, bool, bool)] = &[
            (&[Role::Customer], false, false, false),
            (&[Role::Agent], true, false, false),
            (&[Role::Manager], true, true, false),
            (&[Role::Admin], true, true, true),
            (&[Role::Agent, Role::Customer], true, false, false),
            (&[], false, false, false),
        ];
        for (roles, staff, queues, users) in cases {
            let set = RoleSet::of(roles);
            assert_eq!(set.is_staff(), *staff, "staff for {roles:?}");
            assert_eq!(set.can_manage_queues(), *queues, "queues for {roles:?}");
            assert_eq!(set.can_manage_users(), *users, "users for {roles:?}");
            assert_eq!(
                set.iter().collect::<Vec<_>>(),
                roles.to_vec(),
                "round trip {roles:?}"
            );
        }
    }
}
