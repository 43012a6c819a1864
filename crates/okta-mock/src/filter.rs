//! A useful subset of Okta's `filter` and `search` expressions:
//! `attr op "value"` with `eq ne sw co ew gt ge lt le`, `attr pr`, `and`, `or`, `not` and
//! parentheses. Attributes are dot paths into the resource (`status`, `profile.login`,
//! `lastUpdated`). String comparisons ignore case, as Okta's do.

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Compare { path: Vec<String>, op: Op, value: Value },
    Present(Vec<String>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Sw,
    Co,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => match chars.next() {
                            Some(e) => s.push(e),
                            None => return Err("unterminated string".into()),
                        },
                        Some('"') => break,
                        Some(ch) => s.push(ch),
                        None => return Err("unterminated string".into()),
                    }
                }
                tokens.push(Token::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                        break;
                    }
                    w.push(ch);
                    chars.next();
                }
                tokens.push(Token::Word(w));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_word().as_deref() == Some("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        match self.tokens.get(self.at).cloned() {
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.or()?;
                match self.tokens.get(self.at) {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    _ => Err("missing ')'".into()),
                }
            }
            Some(Token::Word(attr)) => {
                self.at += 1;
                let path: Vec<String> = attr.split('.').map(str::to_string).collect();
                let op = self.peek_word().ok_or_else(|| format!("an operator after '{attr}'"))?;
                self.at += 1;
                if op == "pr" {
                    return Ok(Expr::Present(path));
                }
                let op = match op.as_str() {
                    "eq" => Op::Eq,
                    "ne" => Op::Ne,
                    "sw" => Op::Sw,
                    "co" => Op::Co,
                    "ew" => Op::Ew,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    other => return Err(format!("unknown operator '{other}'")),
                };
                let value = match self.tokens.get(self.at).cloned() {
                    Some(Token::Str(s)) => Value::String(s),
                    Some(Token::Word(w)) => match w.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        n => n
                            .parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map(Value::Number)
                            .ok_or_else(|| format!("a value after '{attr} {op:?}'"))?,
                    },
                    _ => return Err(format!("a value after '{attr}'")),
                };
                self.at += 1;
                Ok(Expr::Compare { path, op, value })
            }
            _ => Err("an attribute".into()),
        }
    }
}

/// Parses an expression; the error says what was expected.
pub(crate) fn parse(input: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        tokens: tokenize(input)?,
        at: 0,
    };
    let expr = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err("unexpected text after the expression".into());
    }
    Ok(expr)
}

fn lookup<'a>(resource: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(resource, |v, key| v.get(key))
}

fn compare(actual: &Value, op: Op, expected: &Value) -> bool {
    use std::cmp::Ordering;
    let ordering = match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = (a.to_lowercase(), e.to_lowercase());
            match op {
                Op::Sw => return a.starts_with(&e),
                Op::Co => return a.contains(&e),
                Op::Ew => return a.ends_with(&e),
                _ => a.cmp(&e),
            }
        }
        (Value::Number(a), Value::Number(e)) => match (a.as_f64(), e.as_f64()) {
            (Some(a), Some(e)) => a.partial_cmp(&e).unwrap_or(Ordering::Equal),
            _ => return false,
        },
        (a, e) => {
            return match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                _ => false,
            };
        }
    };
    match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Sw | Op::Co | Op::Ew => false,
    }
}

/// Whether `resource` matches.
pub(crate) fn matches(expr: &Expr, resource: &Value) -> bool {
    match expr {
        Expr::Compare { path, op, value } => match lookup(resource, path) {
            Some(actual) => compare(actual, *op, value),
            None => *op == Op::Ne,
        },
        Expr::Present(path) => lookup(resource, path).is_some_and(|v| !v.is_null()),
        Expr::And(a, b) => matches(a, resource) && matches(b, resource),
        Expr::Or(a, b) => matches(a, resource) || matches(b, resource),
        Expr::Not(a) => !matches(a, resource),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({"status": "ACTIVE", "lastUpdated": "2026-05-01T10:00:00.000Z",
               "profile": {"login": "Ada@Example.com", "lastName": "Lovelace", "age": 36, "manager": null}})
    }

    fn check(expr: &str) -> bool {
        matches(&parse(expr).expect(expr), &user())
    }

    #[test]
    fn comparisons_logic_and_presence() {
        assert!(check("status eq \"ACTIVE\""));
        assert!(check("profile.login eq \"ada@example.com\""));
        assert!(check("profile.lastName sw \"Love\" and status ne \"SUSPENDED\""));
        assert!(check("profile.login co \"example\""));
        assert!(check("profile.login ew \".com\""));
        assert!(check("lastUpdated gt \"2026-01-01T00:00:00.000Z\""));
        assert!(!check("lastUpdated lt \"2026-01-01T00:00:00.000Z\""));
        assert!(check("profile.age ge 36 and profile.age lt 40"));
        assert!(check(
            "(status eq \"STAGED\" or status eq \"ACTIVE\") and profile.lastName pr"
        ));
        assert!(!check("profile.manager pr"));
        assert!(check("not (status eq \"STAGED\")"));
        assert!(!check("profile.missing eq \"x\""));
    }

    #[test]
    fn bad_expressions_say_what_was_expected() {
        assert_eq!(parse("status").unwrap_err(), "an operator after 'status'");
        assert_eq!(parse("status eq \"A").unwrap_err(), "unterminated string");
        assert_eq!(parse("status is \"A\"").unwrap_err(), "unknown operator 'is'");
        assert!(parse("(status eq \"A\"").is_err());
    }
}
