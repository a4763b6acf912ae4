//! The organisation's pool of direct numbers: reading what the admin typed (single numbers and
//! ranges, one per line, in international form) into E.164, adding them, and showing the pool as
//! runs of consecutive numbers.

use crate::api::settings::PoolRun;
use crate::domain::settings::Refusals;
use crate::domain::OrgId;
use crate::error::FieldError;
use crate::locales::Key;
use crate::server::db::WriteTx;

/// The most numbers one submission may add (a range included).
pub const MAX_NUMBERS: usize = 10_000;

/// One number in E.164, checked against the numbering plan of its country.
pub fn parse_number(typed: &str) -> Result<String, Key> {
    let typed = typed.trim();
    if !typed.starts_with('+') {
        return Err(Key::NumberNeedsCountryCode);
    }
    let number = phonenumber::parse(None, typed).map_err(|_| Key::NumberInvalid)?;
    if !phonenumber::is_valid(&number) {
        return Err(Key::NumberInvalid);
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// Splits `A - B` (hyphen or en dash, the second part starting with `+`) into its two ends; a
/// hyphen inside one number (`+1 212-555-0100`) is not a range.
fn split_range(line: &str) -> Option<(&str, &str)> {
    line.char_indices()
        .filter(|(_, c)| matches!(c, '-' | '–' | '—'))
        .find_map(|(at, c)| {
            let rest = &line[at + c.len_utf8()..];
            rest.trim_start()
                .starts_with('+')
                .then(|| (&line[..at], rest))
        })
}

fn digits(e164: &str) -> u64 {
    e164.trim_start_matches('+').parse().unwrap_or(0)
}

/// The numbers a line stands for: one, or every number of a range.
fn expand(line: &str) -> Result<Vec<String>, Key> {
    let Some((first, last)) = split_range(line) else {
        return parse_number(line).map(|n| vec![n]);
    };
    let (first, last) = (parse_number(first)?, parse_number(last)?);
    if first.len() != last.len() {
        return Err(Key::NumberRangeLengths);
    }
    let (low, high) = (digits(&first), digits(&last));
    if low > high {
        return Err(Key::NumberRangeOrder);
    }
    if high - low >= MAX_NUMBERS as u64 {
        return Err(Key::NumberRangeTooLong);
    }
    let width = first.len() - 1;
    Ok((low..=high).map(|n| format!("+{n:0width$}")).collect())
}

/// Every number the text names, without repeats, or an error per line that is wrong.
pub fn parse_lines(text: &str) -> Result<Vec<String>, Vec<FieldError>> {
    let mut refusals = Refusals::default();
    let mut numbers = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (at, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = (at + 1).to_string();
        match expand(line) {
            Ok(expanded) => {
                for number in expanded {
                    if seen.insert(number.clone()) {
                        numbers.push(number);
                    }
                }
            }
            Err(reason) => {
                refusals.add("numbers", reason, &[("line", &row), ("given", line.trim())])
            }
        }
        if numbers.len() > MAX_NUMBERS {
            let most = MAX_NUMBERS.to_string();
            refusals.add("numbers", Key::NumberTooMany, &[("most", &most)]);
            break;
        }
    }
    refusals.into_result(numbers)
}

/// Which of `numbers` another organisation's pool already holds.
pub async fn held_elsewhere(
    tx: &mut WriteTx,
    org: OrgId,
    numbers: &[String],
) -> Result<Vec<String>, sqlx::Error> {
    let list = serde_json::to_string(numbers).unwrap_or_default();
    sqlx::query_scalar(
        "SELECT number FROM pool_numbers
         WHERE number IN (SELECT value FROM json_each($1)) AND org_id <> $2 ORDER BY number",
    )
    .bind(list)
    .bind(org.0)
    .fetch_all(&mut **tx)
    .await
}

/// Adds the numbers the pool does not hold yet; returns how many were new.
pub async fn add(
    tx: &mut WriteTx,
    org: OrgId,
    numbers: &[String],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let list = serde_json::to_string(numbers).unwrap_or_default();
    let done = sqlx::query(
        "INSERT INTO pool_numbers (org_id, number, added_at)
         SELECT $1, value, $2 FROM json_each($3) WHERE true
         ON CONFLICT (number) DO NOTHING",
    )
    .bind(org.0)
    .bind(now)
    .bind(list)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

pub async fn contains(tx: &mut WriteTx, org: OrgId, number: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM pool_numbers WHERE org_id = $1 AND number = $2")
            .bind(org.0)
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// The pool as runs of consecutive numbers, in order.
pub async fn runs(db: &sqlx::SqlitePool, org: OrgId) -> Result<Vec<PoolRun>, sqlx::Error> {
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM pool_numbers WHERE org_id = $1 ORDER BY number")
            .bind(org.0)
            .fetch_all(db)
            .await?;
    Ok(group(&numbers))
}

fn group(numbers: &[String]) -> Vec<PoolRun> {
    let mut runs: Vec<PoolRun> = Vec::new();
    for number in numbers {
        match runs.last_mut() {
            Some(run)
                if run.last.len() == number.len() && digits(&run.last) + 1 == digits(number) =>
            {
                run.last = number.clone();
                run.count += 1;
            }
            _ => runs.push(PoolRun {
                first: number.clone(),
                last: number.clone(),
                count: 1,
            }),
        }
    }
    runs
}

/// Removes a run of the organisation's own numbers, from `first` to `last`.
pub async fn remove(
    tx: &mut WriteTx,
    org: OrgId,
    first: &str,
    last: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM pool_numbers WHERE org_id = $1 AND number BETWEEN $2 AND $3
         AND length(number) = length($2)",
    )
    .bind(org.0)
    .bind(first)
    .bind(last)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_e164() {
        assert_eq!(parse_number("+86 10 5555 0100"), Ok("+861055550100".into()));
        assert_eq!(parse_number("+1 (212) 555-0100"), Ok("+12125550100".into()));
        assert_eq!(
            parse_number("010 5555 0100"),
            Err(Key::NumberNeedsCountryCode)
        );
        assert_eq!(parse_number("+86 10"), Err(Key::NumberInvalid));
        assert_eq!(parse_number("+hello"), Err(Key::NumberInvalid));
    }

    #[test]
    fn ranges_expand_inclusively() {
        let numbers = parse_lines("+86 10 5555 0100 - +86 10 5555 0199\n").unwrap();
        assert_eq!(numbers.len(), 100);
        assert_eq!(numbers[0], "+861055550100");
        assert_eq!(numbers[99], "+861055550199");
        assert_eq!(
            parse_lines("+1 212-555-0100–+1 212-555-0102").unwrap(),
            ["+12125550100", "+12125550101", "+12125550102"]
        );
    }

    #[test]
    fn repeats_count_once_and_blank_lines_are_skipped() {
        let numbers =
            parse_lines("+861055550100\n\n +86 10 5555 0100 \n+861055550100 - +861055550101")
                .unwrap();
        assert_eq!(numbers, ["+861055550100", "+861055550101"]);
    }

    #[test]
    fn each_wrong_line_is_named() {
        let errors = parse_lines(
            "+861055550100\n010 5555 0101\n+861055550199 - +861055550100\n+1 212 555 0100 - +86 10 5555 0100",
        )
        .unwrap_err();
        let lines: Vec<(Key, String)> = errors
            .iter()
            .map(|e| (e.reason, e.args[0].1.clone()))
            .collect();
        assert_eq!(
            lines,
            [
                (Key::NumberNeedsCountryCode, "2".to_owned()),
                (Key::NumberRangeOrder, "3".to_owned()),
                (Key::NumberRangeLengths, "4".to_owned()),
            ]
        );
    }

    #[test]
    fn huge_ranges_are_refused() {
        let errors = parse_lines("+86 10 5555 0000 - +86 10 5556 0000").unwrap_err();
        assert_eq!(errors[0].reason, Key::NumberRangeTooLong);
        let many: String = (0..3)
            .map(|i| format!("+86 10 55{i}5 0000 - +86 10 55{i}5 4999\n"))
            .collect();
        let errors = parse_lines(&many).unwrap_err();
        assert_eq!(errors[0].reason, Key::NumberTooMany);
    }

    #[test]
    fn the_pool_shows_as_runs() {
        let numbers: Vec<String> = [
            "+861055550100",
            "+861055550101",
            "+861055550103",
            "+12125550100",
        ]
        .map(String::from)
        .to_vec();
        let mut sorted = numbers.clone();
        sorted.sort();
        let runs = group(&sorted);
        assert_eq!(runs.len(), 3);
        assert_eq!(
            (runs[1].first.as_str(), runs[1].last.as_str(), runs[1].count),
            ("+861055550100", "+861055550101", 2)
        );
    }
}
