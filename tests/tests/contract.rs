//! The one error contract, pinned: every code the crates return (the app, the CLI's `--json`,
//! scripts and the UI match on them; never rename one) and the shape every wire carries,
//! `{code, message: {zh, en}, details?}`.
use caiji_base::{Error, ErrorBody, Msg};
use serde_json::json;
use std::collections::BTreeSet;

#[test]
fn error_codes_are_stable() {
    let m = || Msg::new("中", "en");
    let io = || std::io::Error::other("x");
    let all = [
        (Error::io("/x", io()), "io"),
        (Error::NotAnImage { detail: Msg::new("x", "x") }, "not_an_image"),
        (Error::UnsupportedFormat { format: "HEIC".into() }, "unsupported_format"),
        (Error::Truncated, "truncated"),
        (Error::Corrupt { detail: "x".into() }, "corrupt"),
        (Error::TooLarge { width: 1, height: 1, limit_pixels: 1 }, "too_large"),
        (Error::TooSmall { src_w: 1, src_h: 1, need_w: 2, need_h: 2 }, "too_small"),
        (Error::CannotFit { msg: m() }, "cannot_fit"),
        (Error::SpecInvalid { file: "f".into(), line: 1, detail: m() }, "spec_invalid"),
        (Error::UnknownSpec { id: "x".into() }, "unknown_spec"),
        (Error::BadCrop { detail: "x".into() }, "bad_crop"),
        (Error::invalid("中", "en"), "invalid"),
        (Error::Cancelled, "cancelled"),
        (Error::Codec { detail: "x".into() }, "codec"),
    ];
    let mut seen = BTreeSet::new();
    for (e, code) in &all {
        assert_eq!(e.code(), *code);
        assert!(seen.insert(*code), "{code} twice");
        let body = serde_json::to_value(ErrorBody::from(e)).unwrap();
        assert_eq!(body["code"], *code);
        assert!(body["message"]["zh"].as_str().is_some_and(|s| !s.is_empty()) && body["message"]["en"].as_str().is_some_and(|s| !s.is_empty()), "{body}");
        assert!(body.get("details").is_none(), "no details unless there are some: {body}");
    }
    // Face and sync errors carry their own codes: the UI opens the sign-in on `signed_out`.
    for code in ["no_face", "many_faces", "face_cut", "face_too_small", "no_margin", "background_uneven"] {
        assert_eq!(Error::Face { code, msg: m() }.code(), code);
    }
    for code in ["offline", "signed_out", "bad_login", "bad_server", "bad_answer", "refused"] {
        assert_eq!(Error::Sync { code, msg: m() }.code(), code);
    }
}

#[test]
fn the_error_body_reads_back_and_carries_details() {
    let body = ErrorBody::new("invalid_filing", Msg::new("填报有 1 处问题", "1 problem in the filing")).with_details(json!([{"path": "basic.mobile"}]));
    let v = serde_json::to_value(&body).unwrap();
    assert_eq!(
        v,
        json!({"code": "invalid_filing", "message": {"zh": "填报有 1 处问题", "en": "1 problem in the filing"}, "details": [{"path": "basic.mobile"}]})
    );
    assert_eq!(serde_json::from_value::<ErrorBody>(v).unwrap(), body);
    // A message in one language only is not the contract.
    assert!(serde_json::from_value::<ErrorBody>(json!({"code": "x", "message": "text"})).is_err());
}
