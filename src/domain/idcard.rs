//! 居民身份证号 (GB 11643-1999): 18 characters, the last a check digit (ISO 7064 MOD 11-2),
//! carrying the birth date and, in the 17th digit, the gender (odd = 男).

use chrono::NaiveDate;

/// A checked ID number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, c) in first17.chars().enumerate() {
        sum += c.to_digit(10)? * *WEIGHTS.get(i)?;
    }
    (first17.chars().count() == 17).then(|| CHECK[(sum % 11) as usize])
}

impl IdNumber {
    /// Parses and checks an ID number (a lowercase `x` is accepted and stored upper-case).
    pub fn parse(raw: &str) -> Result<IdNumber, String> {
        let s = raw.trim().to_uppercase();
        if s.chars().count() != 18 {
            return Err(format!("身份证号应为 18 位，实为 {} 位", s.chars().count()));
        }
        let (body, last) = s.split_at(17);
        if !body.chars().all(|c| c.is_ascii_digit())
            || !(last == "X" || last.chars().all(|c| c.is_ascii_digit()))
        {
            return Err("身份证号只能由数字和末位 X 组成".into());
        }
        let id = IdNumber(s.clone());
        if id.birth_date().is_none() {
            return Err("身份证号中的出生日期无效".into());
        }
        let expected = check_char(body).ok_or("身份证号格式错误")?;
        if !last.starts_with(expected) {
            return Err(format!("身份证号校验位错误（应为 {expected}）"));
        }
        Ok(id)
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date in digits 7–14.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    /// 男 when the 17th digit is odd, else 女.
    pub fn gender(&self) -> &'static str {
        let d = self.0.as_bytes()[16] - b'0';
        if d % 2 == 1 { "男" } else { "女" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_with_the_right_check_digit_parses_with_its_birth_date_and_gender() {
        let first = "11010519491231002";
        let full = format!("{first}{}", check_char(first).unwrap());
        assert_eq!(full, "11010519491231002X");
        let id = IdNumber::parse(&full.to_lowercase()).unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(id.gender(), "女");
    }

    #[test]
    fn a_wrong_check_digit_is_refused_naming_the_expected_one() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert!(err.contains("应为 X"), "{err}");
    }

    #[test]
    fn an_impossible_birth_date_is_refused() {
        let first = "11010519490230001";
        let full = format!("{first}{}", check_char(first).unwrap());
        assert!(IdNumber::parse(&full).unwrap_err().contains("出生日期"));
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(IdNumber::parse("1234").unwrap_err().contains("18 位"));
    }
}
