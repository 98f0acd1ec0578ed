//! Endpoint URLs as errors and logs may show them. A provider's URL often carries an API key in
//! its path or query, or credentials before the host; every client of the node or the L1 (the
//! node's L1 stages, the SDK, the wallet) shows only scheme, host and port.

/// `url` as it may be shown: scheme, host and port (`/…` where a path, query or credentials
/// were left out).
pub fn shown(url: &str) -> String {
    let Ok(u) = url::Url::parse(url) else { return "(a URL that does not parse)".into() };
    let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
    let rest = if u.path() != "/" || u.query().is_some() || !u.username().is_empty() { "/…" } else { "" };
    format!("{}://{}{port}{rest}", u.scheme(), u.host_str().unwrap_or_default())
}

/// `message` (a transport's error, which names the URL it failed to reach, and may quote a
/// response's body) with every secret part of `url` taken out: the URL itself as given,
/// normalised, or without its credentials becomes [`shown`]; its path, query, user name and
/// password, and each path segment and query value of at least four characters (an API key
/// is often one of them alone, as a body may echo it), in their written and their
/// percent-decoded forms, wherever else they appear, `…`.
pub fn scrub(url: &str, message: &str) -> String {
    let shown = shown(url);
    let mut message = message.replace(url, &shown);
    if let Ok(u) = url::Url::parse(url) {
        let mut bare = u.clone();
        let _ = (bare.set_username(""), bare.set_password(None));
        message = message.replace(u.as_str(), &shown).replace(bare.as_str(), &shown);
        let path = Some(u.path()).filter(|p| *p != "/");
        // A user name of fewer than four characters is left: it would mangle every word.
        let user = Some(u.username()).filter(|n| n.chars().count() >= 4);
        let mut secrets: Vec<String> = [path, u.query(), user, u.password()]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let segments = u.path_segments().into_iter().flatten().map(str::to_string);
        let values =
            u.query().unwrap_or_default().split('&').filter_map(|kv| kv.split_once('=')).map(|(_, v)| v.to_string());
        secrets.extend(segments.chain(values).filter(|p| p.chars().count() >= 4));
        let decoded: Vec<String> = secrets
            .iter()
            .filter_map(|p| {
                url::form_urlencoded::parse(format!("x={p}").as_bytes()).next().map(|(_, v)| v.into_owned())
            })
            .collect();
        secrets.extend(decoded);
        // The longest first: a part that holds another goes whole.
        secrets.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for part in secrets.iter().filter(|p| !p.is_empty()) {
            message = message.replace(part.as_str(), "…");
        }
    }
    message
}

/// `url` parsed, if it is an `http://` endpoint: this build has no TLS (a remote endpoint is
/// reached through a local proxy). The error names what is wrong, with the URL [`shown`].
pub fn http(url: &str) -> Result<url::Url, String> {
    let parsed: url::Url = url.parse().map_err(|e| format!("the URL {} does not parse: {e}", shown(url)))?;
    if parsed.scheme() != "http" {
        return Err(format!(
            "the URL {}: only http:// endpoints (this build has no TLS; reach a remote node through a local proxy)",
            shown(url)
        ));
    }
    Ok(parsed)
}
