//! A container's networks as docker's clients see them: create's
//! `NetworkingConfig.EndpointsConfig` (the networks a container joins and
//! the names it answers to there: docker-compose sends the service's name
//! as an alias) onto the engine's `RunOptions`, and inspect's
//! `NetworkSettings.Networks` (one entry per network the container is on,
//! running or not, whose `Aliases` hold its short id as docker's do:
//! docker-compose reads that to know a created container is connected and
//! must not be connected again).

use sangja_container::record::Container;
use sangja_container::NetworkMode;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// create's `NetworkingConfig`.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct NetworkingConfig {
    #[serde(rename = "EndpointsConfig")]
    pub endpoints_config: Option<BTreeMap<String, Option<EndpointBody>>>,
}

/// One network's `EndpointSettings` as create and connect send them.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct EndpointBody {
    #[serde(rename = "Aliases")]
    pub aliases: Option<Vec<String>>,
    #[serde(rename = "IPAMConfig")]
    pub ipam_config: Option<EndpointIpam>,
    #[serde(rename = "MacAddress")]
    pub mac_address: Option<String>,
}

/// `IPAMConfig` of an endpoint: the address asked for.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct EndpointIpam {
    #[serde(rename = "IPv4Address")]
    pub ipv4_address: Option<String>,
}

/// docker's names for the default network, which is sangja's own.
fn is_default(name: &str) -> bool {
    matches!(name, "" | "bridge" | "default") || name == sangja_network::store::DEFAULT_NAME
}

/// Applies `EndpointsConfig` to the options of a container being created:
/// on a bridge (user) network, every network named joins the list (API
/// 1.44 takes several at create) and its aliases, address and MAC become
/// the container's (`--network-alias`, `--ip`, `--mac-address`). Other
/// network modes have no endpoints to configure; their entries are ignored,
/// as docker ignores the `bridge` entry its CLI sends.
pub fn apply(cfg: &NetworkingConfig, o: &mut sangja_container::RunOptions) {
    let NetworkMode::Bridge(names) = &mut o.network else { return };
    for (net, ep) in cfg.endpoints_config.iter().flatten() {
        if is_default(net) && names.is_empty() {
            continue;
        }
        if !names.contains(net) && !is_default(net) {
            names.push(net.clone());
        }
        let Some(ep) = ep else { continue };
        for a in ep.aliases.iter().flatten().filter(|a| !a.is_empty()) {
            if !o.net.aliases.contains(a) {
                o.net.aliases.push(a.clone());
            }
        }
        if let Some(ip) = ep.ipam_config.as_ref().and_then(|i| i.ipv4_address.clone()).filter(|i| !i.is_empty()) {
            o.net.ip = Some(ip);
        }
        if let Some(mac) = ep.mac_address.clone().filter(|m| !m.is_empty()) {
            o.net.mac_address = Some(mac);
        }
    }
}

/// The networks of `c` as (name, id), from its record: a container that
/// never ran is on its networks too.
pub fn networks_of(e: &sangja_engine::Engine, c: &Container) -> Vec<(String, String)> {
    let NetworkMode::Bridge(names) = &c.config.options.network else { return Vec::new() };
    sangja_engine::network::records(e, names).map(|rs| rs.into_iter().map(|r| (r.name, r.id)).collect()).unwrap_or_default()
}

/// Fills `ns["Networks"]` (the engine's entries, present while the
/// container runs) with an entry per network of `nets`, each with docker's
/// fields: the network's id, and Aliases ending with the short id.
pub fn settings_networks(ns: &mut Value, c: &Container, nets: &[(String, String)]) {
    let short = c.config.id[..12.min(c.config.id.len())].to_string();
    let mut aliases: Vec<String> = c.config.options.net.aliases.clone();
    aliases.push(short.clone());
    let mut out = serde_json::Map::new();
    for (name, id) in nets {
        let mut entry = ns.get("Networks").and_then(|n| n.get(name)).cloned().unwrap_or_else(|| {
            json!({
                "EndpointID": "", "Gateway": "", "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "",
                "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "MacAddress": "",
            })
        });
        entry["NetworkID"] = json!(id);
        entry["Aliases"] = json!(aliases);
        entry["IPAMConfig"] = Value::Null;
        entry["Links"] = Value::Null;
        entry["DriverOpts"] = Value::Null;
        if entry.get("DNSNames").is_none() {
            let mut dns = vec![c.config.name.clone()];
            dns.extend(aliases.iter().cloned());
            entry["DNSNames"] = json!(dns);
        }
        out.insert(name.clone(), entry);
    }
    if !ns.is_object() {
        *ns = json!({});
    }
    ns["Networks"] = Value::Object(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_apply_to_bridge_networks_only() {
        let cfg: NetworkingConfig = serde_json::from_str(
            r#"{"EndpointsConfig": {"proj_back": {"Aliases": ["db"], "IPAMConfig": {}}, "proj_front": {"Aliases": ["db", "x"]}, "bridge": null}}"#,
        )
        .unwrap();
        let mut o = sangja_container::RunOptions { network: NetworkMode::Bridge(vec!["proj_back".into()]), ..Default::default() };
        apply(&cfg, &mut o);
        assert_eq!(o.network, NetworkMode::Bridge(vec!["proj_back".into(), "proj_front".into()]));
        assert_eq!(o.net.aliases, ["db", "x"]);
        let mut host = sangja_container::RunOptions { network: NetworkMode::Host, ..Default::default() };
        apply(&cfg, &mut host);
        assert!(host.net.aliases.is_empty());
    }
}
