//! The sticky form of encoded metadata: `encodedMetadata` set as a context
//! variable applies to every following message until the bot overwrites it.

use serde_json::Value;

/// The `encodedMetadata` context variable, if the bot set one.
///
/// v1 keeps context variables at the top of `context`; v2 keeps dialog
/// variables in `context.skills.<skill>.user_defined`. LivePerson documents
/// only `context.encodedMetadata` and says v2 works "the same" **[inferred]**,
/// so both places are read, the top level first. An empty string clears it.
pub(crate) fn sticky_encoded_metadata(context: Option<&Value>) -> Option<String> {
    let context = context?;
    let top = context.get("encodedMetadata");
    let in_skills = context
        .get("skills")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|skills| skills.values())
        .filter_map(|skill| skill.pointer("/user_defined/encodedMetadata"));
    top.into_iter()
        .chain(in_skills)
        .find_map(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn read_from_v1_top_level_and_v2_skill_variables() {
        let v1 = json!({"conversation_id": "c", "encodedMetadata": "ewoiaWQiOiAidGV4dCIKfQ=="});
        assert_eq!(
            sticky_encoded_metadata(Some(&v1)).as_deref(),
            Some("ewoiaWQiOiAidGV4dCIKfQ==")
        );
        let v2 = json!({"global": {}, "skills": {"main skill": {"user_defined": {"encodedMetadata": "eyJhIjoxfQ=="}}}});
        assert_eq!(
            sticky_encoded_metadata(Some(&v2)).as_deref(),
            Some("eyJhIjoxfQ==")
        );
        assert_eq!(
            sticky_encoded_metadata(Some(&json!({"encodedMetadata": ""}))),
            None
        );
        assert_eq!(sticky_encoded_metadata(None), None);
    }
}
