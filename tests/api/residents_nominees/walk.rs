//! One walk through the pages of: the street opens R-5 early on the overview, the
//! community's staff nominate, review (one nominee failing 政审, one withdrawn), close R-5,
//! print the list, write the introductions, close R-6 and print the notice-board sheet.

use huanjie::db::Q;
use serde_json::json;

use super::{adopt_rules, resident};
use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp};
use crate::residents_voters::campaign;

async fn nominee_of(app: &TestApp, person: i64) -> i64 {
    Q::new("select id from resident_nominees where person_id = $1")
        .bind(person)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_community_walks_the_pages_from_nominations_to_the_printed_introductions() {
    let app = TestApp::spawn().await;
    let c = campaign(&app, "sg01").await;
    adopt_rules(&app, c, json!({"uncontested_posts": ["director"]})).await;
    let base = format!("/communities/sg01/campaigns/{c}/residents");
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let page = street.get(&base).await;
    let (msg, _) = street
        .submit_flash(
            &page,
            &format!("{base}/open"),
            &[("step", "R-5"), ("reason", "选民登记另行补正")],
        )
        .await;
    assert!(msg.contains("已提前开始 R-5"), "{msg}");

    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let list = format!("{base}/nominees");
    let mut page = staff.get(&list).await;
    assert!(
        page.contains("尚无被提名人") && page.contains("主任（应选 1 名）"),
        "{page}"
    );
    // 主任 1 (等额 allowed), 副主任 2, 委员 4 official; one more 委员 fails 政审, one withdraws.
    let posts = [
        "director", "deputy", "deputy", "member", "member", "member", "member", "member", "member",
    ];
    let mut people = Vec::new();
    for (i, post) in posts.into_iter().enumerate() {
        let p = resident(&app, "sg01", 40 + i as u32).await;
        page = staff.get(&list).await;
        let (msg, next) = staff
            .submit_flash(
                &page,
                &list,
                &[
                    ("person_id", &p.to_string()),
                    ("post", post),
                    ("channel", "representatives_meeting"),
                    ("nominated_by", "2027-04-15 居民代表会议"),
                ],
            )
            .await;
        assert!(msg.starts_with("已提名") && msg.contains("年龄："), "{msg}");
        page = next;
        people.push(p);
    }
    let ids: Vec<i64> = {
        let mut v = Vec::new();
        for p in &people {
            v.push(nominee_of(&app, *p).await);
        }
        v
    };
    // 资格审查 is the street leading group's; the other three reviews are the community's.
    assert!(
        page.contains("资格审查由街道工作组（领导小组）记录。"),
        "{page}"
    );
    let mut street_page = street.get(&list).await;
    for nid in &ids {
        let (msg, next) = street
            .submit_flash(
                &street_page,
                &format!("{list}/{nid}/reviews"),
                &[("result", "passed"), ("date", "2027-04-17"), ("reason", "")],
            )
            .await;
        assert!(msg.starts_with("已记录审查结果"), "{msg}");
        street_page = next;
    }
    page = staff.get(&list).await;
    for (i, nid) in ids.iter().enumerate() {
        for step in 1..4 {
            let action = format!("{list}/{nid}/reviews");
            let failing = i == 7 && step == 1;
            let fields: Vec<(&str, &str)> = if failing {
                vec![
                    ("result", "failed"),
                    ("date", "2027-04-18"),
                    ("reason", "不符合政审要求"),
                ]
            } else {
                vec![("result", "passed"), ("date", "2027-04-18"), ("reason", "")]
            };
            let (msg, next) = staff.submit_flash(&page, &action, &fields).await;
            page = next;
            if failing {
                assert!(msg.contains("政审未通过（不符合政审要求）"), "{msg}");
                break;
            }
            assert!(msg.starts_with("已记录审查结果"), "{msg}");
        }
    }
    assert!(
        page.contains("正式候选人共 8 名，应选 5 名，差额 3 名"),
        "{page}"
    );
    let (msg, page) = staff
        .submit_flash(
            &page,
            &format!("{list}/{}/withdraw", ids[8]),
            &[("reason", "本人工作调动")],
        )
        .await;
    assert!(msg.contains("已退出委员候选人提名"), "{msg}");
    assert!(
        page.contains("正式候选人共 7 名，应选 5 名，差额 2 名"),
        "{page}"
    );
    let (msg, page) = staff
        .submit_flash(&page, &format!("{list}/done"), &[])
        .await;
    assert!(msg.starts_with("候选人提名（R-5）已完成"), "{msg}");
    assert!(page.contains("候选人提名（R-5）已完成。"), "{page}");
    let printed = staff.get(&format!("{list}/print")).await;
    assert!(
        printed.contains("一号社区第八届居民委员会成员候选人名单及资格审查表")
            && printed.contains("不通过：不符合政审要求")
            && printed.contains("已退出"),
        "{printed}"
    );

    let intros = format!("{base}/introductions");
    let mut page = staff.get(&intros).await;
    for nid in &ids[..6] {
        let (msg, next) = staff
            .submit_flash(
                &page,
                &format!("{list}/{nid}/introduction"),
                &[
                    ("introduction", "长期从事社区服务工作"),
                    ("statement", "尽心尽责为居民服务"),
                ],
            )
            .await;
        assert!(msg.contains("的简介和竞职承诺"), "{msg}");
        page = next;
    }
    let (msg, page) = staff
        .submit_flash(&page, &format!("{intros}/done"), &[])
        .await;
    assert!(msg.contains("以下 1 名正式候选人尚无简介"), "{msg}");
    let (_, page) = staff
        .submit_flash(
            &page,
            &format!("{list}/{}/introduction", ids[6]),
            &[("introduction", "退休教师"), ("statement", "")],
        )
        .await;
    let (msg, page) = staff
        .submit_flash(&page, &format!("{intros}/done"), &[])
        .await;
    assert_eq!(msg, "宣传介绍（R-6）已完成，已介绍正式候选人 7 名。");
    assert!(
        page.contains("宣传介绍（R-6）已完成。") && !page.contains("<textarea"),
        "{page}"
    );
    let sheet = staff.get(&format!("{intros}/print")).await;
    assert!(
        sheet.contains("一号社区第八届居民委员会正式候选人简介"),
        "{sheet}"
    );
    let director = sheet.find("<h2>主任候选人：").unwrap();
    let deputy = sheet.find("<h2>副主任候选人：").unwrap();
    let member = sheet.find("<h2>委员候选人：").unwrap();
    assert!(director < deputy && deputy < member, "by post");
    assert!(sheet.contains("退休教师") && sheet.contains("竞职承诺：</strong>尽心尽责为居民服务"));
    let id_number: (String,) = Q::new("select id_number from people where id = $1")
        .bind(people[0])
        .one(&app.state.db)
        .await
        .unwrap();
    assert!(!sheet.contains(&id_number.0), "no ID numbers on the sheet");
    let overview = staff.get(&base).await;
    assert!(overview.contains("data-step=\"R-6\""), "{overview}");
}
