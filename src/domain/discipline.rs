//! D-1 换届纪律 in words and codes: the default text of the "换届我承诺" commitment, the channels
//! a discipline report arrives by and its categories (the seed names violence, threats,
//! deception, bribery and forged ballots).

/// The commitment's default text, until the street sets its own.
pub const DEFAULT_COMMITMENT: &str = "本人自愿参加社区“两委”换届选举，郑重承诺：\n\
一、遵守党章党规和国家法律法规，服从组织安排，尊重选举结果，以合法、正当的方式参与竞争；\n\
二、不拉票、不贿选，不以请客送礼、许诺好处或者其他利益拉拢、收买选民和代表；\n\
三、不采取暴力、威胁、欺骗等手段干扰、妨碍选举，不打击报复提出意见的党员群众；\n\
四、不伪造选票、不虚报选举票数，不干扰投票、计票工作；\n\
五、不散布谣言、不搞宗族派性，不借他人之手违规竞争；\n\
六、如实提供个人情况，自觉接受组织和党员群众的监督。\n\
如有违反，自愿接受取消候选人资格、当选无效等处理，并承担相应的纪律和法律责任。";

/// How a report arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// 来信.
    Letter,
    /// 来访.
    Visit,
    /// 电话.
    Phone,
    /// 网络.
    Online,
    /// 现场.
    OnSite,
}

impl Channel {
    /// Every channel, in the form's order.
    pub const ALL: [Channel; 5] = [
        Channel::Letter,
        Channel::Visit,
        Channel::Phone,
        Channel::Online,
        Channel::OnSite,
    ];
    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Channel::Letter => "letter",
            Channel::Visit => "visit",
            Channel::Phone => "phone",
            Channel::Online => "online",
            Channel::OnSite => "on_site",
        }
    }
    /// The word shown.
    pub const fn zh(self) -> &'static str {
        match self {
            Channel::Letter => "来信",
            Channel::Visit => "来访",
            Channel::Phone => "电话",
            Channel::Online => "网络",
            Channel::OnSite => "现场",
        }
    }
    /// From its code or its word.
    pub fn parse(s: &str) -> Option<Channel> {
        let s = s.trim();
        Channel::ALL
            .into_iter()
            .find(|c| c.code() == s || c.zh() == s)
    }
}

/// What a report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// 拉票贿选.
    Bribery,
    /// 暴力.
    Violence,
    /// 威胁.
    Threat,
    /// 欺骗.
    Deception,
    /// 伪造选票.
    Forgery,
    /// 其他.
    Other,
}

impl Category {
    /// Every category, in the form's order.
    pub const ALL: [Category; 6] = [
        Category::Bribery,
        Category::Violence,
        Category::Threat,
        Category::Deception,
        Category::Forgery,
        Category::Other,
    ];
    /// The stored code.
    pub const fn code(self) -> &'static str {
        match self {
            Category::Bribery => "bribery",
            Category::Violence => "violence",
            Category::Threat => "threat",
            Category::Deception => "deception",
            Category::Forgery => "forgery",
            Category::Other => "other",
        }
    }
    /// The word shown.
    pub const fn zh(self) -> &'static str {
        match self {
            Category::Bribery => "拉票贿选",
            Category::Violence => "暴力",
            Category::Threat => "威胁",
            Category::Deception => "欺骗",
            Category::Forgery => "伪造选票",
            Category::Other => "其他",
        }
    }
    /// From its code or its word.
    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        Category::ALL
            .into_iter()
            .find(|c| c.code() == s || c.zh() == s)
    }
}

/// The word of a stored code (the code itself when unknown).
pub fn channel_zh(code: &str) -> &str {
    match Channel::parse(code) {
        Some(c) => c.zh(),
        None => code,
    }
}

/// The word of a stored category code (the code itself when unknown).
pub fn category_zh(code: &str) -> &str {
    match Category::parse(code) {
        Some(c) => c.zh(),
        None => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_and_categories_parse_from_their_codes_and_their_words() {
        assert_eq!(Channel::parse("来访"), Some(Channel::Visit));
        assert_eq!(Channel::parse("on_site"), Some(Channel::OnSite));
        assert_eq!(Channel::parse("传真"), None);
        assert_eq!(Category::parse("拉票贿选"), Some(Category::Bribery));
        assert_eq!(category_zh("forgery"), "伪造选票");
    }

    #[test]
    fn the_default_commitment_names_every_theme_of_the_seed() {
        for w in ["拉票", "贿选", "暴力", "威胁", "欺骗", "伪造选票"] {
            assert!(DEFAULT_COMMITMENT.contains(w), "{w}");
        }
    }
}
