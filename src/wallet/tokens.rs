//! Tokens as a user names them (`ETH`, an id, or the ERC-20's L1 address), amounts as a user
//! writes them (in the token's units, by its decimals; or in base units), and addresses as a
//! user pastes them (checksummed or not).

use zkrollup_sdk::amount::{format_units, parse_units};
use zkrollup_sdk::api::TokenInfo;
use zkrollup_sdk::spec::primitives::Address;

/// ETH's decimals.
const ETH_DECIMALS: u8 = 18;

/// A listed token and how its amounts are written.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) id: u16,
    /// `ETH`, or `token N (0x…)`.
    pub(crate) name: String,
    /// Its ERC-20 on L1 (zero for ETH).
    address: Address,
    /// Its decimals; `None` for amounts in base units (`--base-units`).
    pub(crate) decimals: Option<u8>,
}

impl Token {
    /// `text` (in the token's units, or in base units) as base units.
    pub(crate) fn parse(&self, what: &str, text: &str) -> Result<u128, String> {
        match self.decimals {
            Some(d) => parse_units(text, d).map_err(|e| format!("{what} {text:?}: {e}")),
            None => text.parse().map_err(|_| format!("{what} {text:?}: not a whole number of base units")),
        }
    }

    /// `amount` base units as the user writes them, with the token's name.
    pub(crate) fn show(&self, amount: u128) -> String {
        let units = match self.decimals {
            Some(d) => format_units(amount, d),
            None => amount.to_string(),
        };
        match (self.id, self.decimals) {
            (0, Some(_)) => format!("{units} ETH"),
            (_, Some(_)) => format!("{units} of {}", self.name),
            _ => format!("{units} base units of {}", self.name),
        }
    }
}

impl Token {
    /// Its ERC-20 on L1 (zero for ETH), as the list it was named from says.
    pub(crate) fn address(&self) -> Address {
        self.address
    }

    /// The same token, its amounts in ETH's units if it is ETH and `units` is asked, else in
    /// base units.
    pub(crate) fn in_units(self, units: bool) -> Token {
        let decimals = (units && self.id == 0).then_some(ETH_DECIMALS);
        Token { decimals, ..self }
    }

    /// The same token, its amounts in its units: ETH's 18 decimals, or the decimals its ERC-20
    /// says (`read` asks the L1). An ERC-20 that does not say them is an error that asks for
    /// `--base-units`.
    pub(crate) fn with_decimals(
        self,
        read: impl FnOnce(&Address) -> Result<Option<u8>, String>,
    ) -> Result<Token, String> {
        if self.id == 0 {
            return Ok(self.in_units(true));
        }
        let said = read(&self.address).map_err(|e| format!("{}'s decimals: {e}", self.name))?;
        let decimals = said.ok_or_else(|| {
            format!(
                "{} does not say its decimals (decimals() is optional in ERC-20): give amounts in base units with --base-units",
                self.name
            )
        })?;
        Ok(Token { decimals: Some(decimals), ..self })
    }
}

/// The token `asked` names among `listed`: `ETH` (any case), an id, or an L1 address; its
/// amounts in base units until [`Token::in_units`] or [`Token::with_decimals`] says otherwise.
pub(crate) fn resolve(asked: &str, listed: &[TokenInfo]) -> Result<Token, String> {
    let found = if asked.eq_ignore_ascii_case("eth") {
        listed.iter().find(|t| t.id == 0)
    } else if let Ok(id) = asked.parse::<u16>() {
        listed.iter().find(|t| t.id == id)
    } else {
        listed.iter().find(|t| t.address.eq_ignore_ascii_case(asked.trim()))
    };
    let Some(info) = found else {
        let names: Vec<String> = listed.iter().map(name_of).collect();
        return Err(format!("unknown token {asked:?}: the rollup lists {}", names.join(", ")));
    };
    let name = name_of(info);
    let address = info.address.parse().map_err(|e| format!("{name}: an address that does not parse: {e}"))?;
    Ok(Token { id: info.id, name, address, decimals: None })
}

fn name_of(t: &TokenInfo) -> String {
    if t.id == 0 {
        "ETH".into()
    } else {
        format!("token {} ({})", t.id, t.address)
    }
}

/// An address argument: `0x` and 40 hex digits. In mixed case its EIP-55 checksum must hold, so
/// that a typo in a checksummed address is caught rather than opening an account no one owns.
/// Input longer than an address is not echoed: it may be a key pasted in the wrong place.
pub(crate) fn address_arg(text: &str) -> Result<Address, String> {
    let t = text.trim();
    let shown = if t.len() <= 42 { format!("{t:?}: ") } else { format!("{} characters: ", t.len()) };
    let digits = t.strip_prefix("0x").filter(|d| d.len() == 40 && d.bytes().all(|b| b.is_ascii_hexdigit()));
    let digits = digits.ok_or(format!("{shown}not an address (0x and 40 hex digits)"))?;
    let mixed = digits.bytes().any(|b| b.is_ascii_uppercase()) && digits.bytes().any(|b| b.is_ascii_lowercase());
    if mixed {
        alloy_primitives::Address::parse_checksummed(t, None)
            .map_err(|_| format!("{shown}its EIP-55 checksum (the letters' case) does not hold: a typo?"))?;
    }
    t.to_ascii_lowercase().parse()
}
