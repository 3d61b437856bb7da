//! Id newtypes, so a conversation id cannot be passed where a skill id goes.

use crate::macros::id_type;

id_type!(
    /// A messaging conversation id (`convId`, `conversationId`).
    ConversationId
);
id_type!(
    /// A dialog id. The MAIN dialog's id equals its conversation's id.
    DialogId
);
id_type!(
    /// A skill id, a decimal string such as `"-1"` (unassigned) or `"1251428632"`.
    SkillId
);
id_type!(
    /// An agent's legacy id, `"{accountId}.{userId}"`, as used in
    /// `agentUserId`, `participants` and `originatorId`.
    AgentId
);
id_type!(
    /// A participant id (`userPid`, a UUID) as used in `participantsPId` and
    /// `originatorPId`. For consumers it equals the consumer id.
    ParticipantId
);
id_type!(
    /// A consumer id (the `sub` of the consumer JWT).
    ConsumerId
);
id_type!(
    /// A ring id, `"{convId}_{accountId}_{ms}"`.
    RingId
);
id_type!(
    /// A subscription id returned by the `Subscribe*` requests.
    SubscriptionId
);
