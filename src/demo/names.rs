//! Word lists the demo street generator (`super::data`) draws from: surnames, given names by
//! generation and gender, names it must never produce, and the area codes of ID numbers.

/// Area codes (with weights) of ID numbers issued in Jinan: 市中区 (where 舜耕街道 lies)
/// first, then 历下区, 历城区, 槐荫区 and 天桥区.
pub const JINAN_AREAS: [(&str, u64); 5] = [
    ("370103", 55),
    ("370102", 20),
    ("370112", 12),
    ("370104", 7),
    ("370105", 6),
];

/// Area codes of people registered outside the street: 青岛市南区, 淄博张店区, 临沂兰山区,
/// 济宁任城区, 郑州金水区.
pub const OUTSIDE_AREAS: [(&str, u64); 5] = [
    ("370202", 1),
    ("370303", 1),
    ("371302", 1),
    ("370811", 1),
    ("410105", 1),
];

/// Common surnames, roughly the most frequent in Shandong first.
pub const SURNAMES: &str = "王李张刘陈杨赵孙高徐马于郭吕董宋韩孔曲周吴胡朱林何罗梁郑谢唐冯程曹\
    袁邓许沈彭苏卢蒋蔡贾丁魏薛叶潘杜戴夏田任姜范方石姚谭邹金陆郝白崔康毛秦江史顾侯邵孟段雷钱汤尹常武乔贺";

/// Compound surnames, drawn rarely.
pub const COMPOUND_SURNAMES: [&str; 4] = ["欧阳", "司马", "诸葛", "上官"];

/// Given names by generation (born before 1958, 1958–1984, 1985–2005, from 2006) and gender
/// (男, 女), separated by spaces.
pub const GIVEN_NAMES: [[&str; 2]; 4] = [
    [
        "建国 国庆 振华 德胜 玉林 长顺 福山 金宝 树森 守成 连生 广田 宝元 秀峰 保国 庆余 茂林 世昌 永福 传礼 兆丰 春和",
        "秀英 桂兰 玉兰 凤英 淑珍 秀珍 桂芳 玉梅 素芬 兰英 秀云 金凤 凤兰 桂英 玉珍 素珍 淑英 秀兰 玉华 翠萍 凤琴 桂珍",
    ],
    [
        "志刚 建军 海涛 卫东 立新 晓东 永强 国栋 宏伟 文斌 学军 庆华 春雷 光明 新民 俊峰 东升 建华 振宇 德军 军 伟 勇 斌 涛 磊 鹏 刚 峰 亮",
        "丽华 红梅 晓燕 海燕 春梅 美玲 丽娟 秀梅 艳红 淑华 爱玲 晓红 立群 慧敏 雪梅 冬梅 玉芹 静 丽 敏 燕 霞 娟 艳 琳 红 萍",
    ],
    [
        "浩然 宇航 子轩 俊杰 博文 晨阳 思远 嘉豪 志远 明轩 泽宇 家乐 一鸣 睿哲 文昊 天佑 昊 哲 凯 鑫 航 宁 晨 帅 超 旭",
        "雨欣 欣怡 佳琪 思雨 梦瑶 雅婷 诗涵 晓雪 静怡 心怡 可馨 婉婷 佳慧 雪晴 晓彤 婷 倩 璐 瑶 颖 悦 琪 蕾 洁 楠",
    ],
    [
        "梓豪 宇轩 子墨 浩宇 一诺 沐阳 奕辰 锦程 承泽 景行 铭轩 书恒 星辰 睿泽 思源 嘉木 皓轩 子航 宸 煜 翊",
        "梓萱 一诺 语桐 欣妍 若汐 诗雨 可欣 雨桐 沐晴 知夏 清妍 安然 思彤 悦溪 芷晴 语嫣 梦琪 钰涵 依诺 苒 萱 玥",
    ],
];

/// Names of well-known people the lists above could combine into; the generator skips them.
pub const FAMOUS: &str =
    "李强 王勇 马凯 雷军 李宁 李晨 刘涛 周涛 王刚 韩红 陈红 李静 杨颖 林俊杰 张一鸣 汪洋";
