//! The scope of what a person may list, shared by every page that lists cases or their parts
//! (the dashboard, the action tracker, the themes, the meetings). It borrows from no other route
//! module, so the pages that list need not borrow from the case pages.

use cspr_store::CaseScope;

use crate::access::Principal;

/// The scope of what a person may list: in the query, never filtered after.
pub(crate) fn scope(p: &Principal) -> CaseScope {
    if p.role.sees_partnership_cases() {
        CaseScope::Partnership(p.partnership_id.as_uuid())
    } else {
        CaseScope::Member {
            partnership_id: p.partnership_id.as_uuid(),
            user_id: p.user_id.as_uuid(),
        }
    }
}
