//! What a case at each stage waits on to move on: the process's next steps, as command kinds.
//! Who may give each command is the access policy's business (`cspr-app`); together they say
//! who moves a case on.

use super::command::CommandKind;
use super::state::Stage;

impl Stage {
    /// The commands a case at this stage waits on: the steps that move it to the next stage, or
    /// the contributions the stage cannot finish without. Each is permitted in the stage.
    #[must_use]
    pub const fn awaits(self) -> &'static [CommandKind] {
        use CommandKind as K;
        match self {
            Self::New | Self::Closed => &[],
            Self::Incident => &[K::ReceiveReferral, K::NotifyNationalPanel],
            Self::Referral => &[K::ApproveReferral],
            Self::Triage => &[K::TriageReferral, K::NotifyNationalPanel],
            Self::RapidReview => &[
                K::HoldRapidReviewMeeting,
                K::SignOffRapidReview,
                K::SubmitRapidReview,
            ],
            Self::Scoping => &[K::HoldScopingMeeting, K::DecideOnLocalReview],
            Self::Decided => &[K::RecordPanelResponse, K::CloseCase],
            Self::Commissioning => &[
                K::AppointPanelMember,
                K::AgreeTermsOfReference,
                K::AppointIndependentReviewer,
            ],
            Self::Evidence => &[
                K::ReceiveContribution,
                K::RecordPractitioner,
                K::SubmitReportDraft,
            ],
            Self::Drafting => &[K::SubmitReportDraft, K::SignOffReport, K::SendReport],
            Self::Publication => &[K::DecidePublication, K::Publish],
            Self::ActionPlan => &[
                K::AgreeAction,
                K::RecordActionProgress,
                K::CompleteAction,
                K::CloseCase,
            ],
        }
    }

    /// The stage a machine name names (the inverse of [`Stage::key`]).
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}
