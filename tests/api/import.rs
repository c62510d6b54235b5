//! Importing people: all or nothing, a per-row Chinese error list, GBK and UTF-8 CSV, xlsx.

use axum::http::{Method, StatusCode};

use huanjie::db::Q;

use crate::helpers::{B, TestApp, Who, id_number};

/// The API import path and a multipart body carrying one file.
fn upload(name: &str, bytes: Vec<u8>) -> (String, B) {
    (
        "/api/v1/communities/sg01/people/import".to_string(),
        B::Multipart(vec![], Some((name.into(), bytes))),
    )
}

#[tokio::test]
async fn a_file_with_one_bad_check_digit_imports_nothing_and_names_that_row() {
    let app = TestApp::spawn().await;
    let good1 = id_number("19700101", 11);
    let good2 = id_number("19710101", 12);
    let mut bad = id_number("19720101", 13);
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let text =
        format!("姓名,身份证号,文化程度\n甲一,{good1},高中\n乙二,{bad},大专\n丙三,{good2},本科\n");
    let (path, body) = upload("people.csv", text.into_bytes());
    let before = app.count("select count(*) from people").await;
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let v = r.json();
    let rows = v["error"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["row"], 3);
    assert_eq!(rows[0]["column"], "身份证号");
    assert!(rows[0]["problem"].as_str().unwrap().contains("校验位"));
    assert_eq!(
        app.count("select count(*) from people").await,
        before,
        "nothing imported"
    );
}

#[tokio::test]
async fn a_gbk_encoded_csv_imports_with_its_chinese_intact() {
    let app = TestApp::spawn().await;
    let text = format!(
        "姓名,身份证号,文化程度,党员状态\n欧阳明,{},大专,正式党员\n司马兰,{},初中,\n",
        id_number("19650505", 21),
        id_number("19900909", 22)
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let (path, body) = upload("gbk.csv", gbk.into_owned());
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["imported"], 2);
    assert_eq!(app.count("select count(*) from people where name = '欧阳明' and education = '大专' and party_status = 'full'").await, 1);
    assert_eq!(
        app.count("select count(*) from people where name = '司马兰' and gender = '女'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_xlsx_template_filled_in_imports() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Community,
            Method::GET,
            "/people/template.xlsx",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, (h, _, _)) in huanjie::people::import::COLUMNS.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "冯十一").unwrap();
    sheet.write_string(1, 5, id_number("19880808", 41)).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (path, body) = upload("people.xlsx", bytes);
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        app.count("select count(*) from people where name = '冯十一' and birth_date is not null")
            .await,
        1
    );
}

#[tokio::test]
async fn an_id_number_already_in_the_street_is_reported_and_nothing_imported() {
    let app = TestApp::spawn().await;
    let id = id_number("19600606", 51);
    crate::fixtures::create_person(&app, "sg02", "褚十二", &id).await;
    let text = format!(
        "姓名,身份证号\n卫十三,{}\n褚十二,{id}\n",
        id_number("19610606", 52)
    );
    let (path, body) = upload("dup.csv", text.into_bytes());
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows = r.json()["error"]["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["row"], 3);
    assert_eq!(
        app.count("select count(*) from people where name = '卫十三'")
            .await,
        0
    );
}

#[tokio::test]
async fn one_row_with_five_field_problems_also_reports_its_group_and_its_registered_id_in_the_same_pass()
 {
    let app = TestApp::spawn().await;
    let id = id_number("19580808", 53);
    crate::fixtures::create_person(&app, "sg01", "沈十四", &id).await;
    let long_name = "长".repeat(31);
    let text = format!(
        "姓名,身份证号,文化程度,联系电话,党员状态,入党日期,居住社区,居民小组\n\
         {long_name},{id},博士后,12345,老党员,去年,sg01,第九十九组\n"
    );
    let (path, body) = upload("many.csv", text.into_bytes());
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let rows = r.json()["error"]["rows"].as_array().unwrap().clone();
    let columns: Vec<&str> = rows.iter().map(|e| e["column"].as_str().unwrap()).collect();
    for column in [
        "姓名",
        "文化程度",
        "联系电话",
        "党员状态",
        "入党日期",
        "居民小组",
        "身份证号",
    ] {
        assert!(
            columns.contains(&column),
            "{column} missing from {columns:?}"
        );
    }
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.iter().all(|e| e["row"] == 2));
    let problem = |c: &str| {
        rows.iter()
            .find(|e| e["column"] == c)
            .and_then(|e| e["problem"].as_str())
            .unwrap()
            .to_string()
    };
    assert!(problem("姓名").contains("过长"), "{}", problem("姓名"));
    assert!(problem("身份证号").contains("已在本街道登记"));
    assert!(problem("居民小组").contains("第九十九组"));
}

#[tokio::test]
async fn the_import_page_lists_the_rows_in_error() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Community).cloned().unwrap();
    let text = "姓名,性别\n,男\n".to_string();
    let r = app
        .send(
            Some(&c),
            Method::POST,
            "/communities/sg01/people/import",
            B::Multipart(
                vec![
                    ("_csrf".into(), c.csrf.clone()),
                    ("_idem".into(), "imp-1".into()),
                ],
                Some(("x.csv".into(), text.into_bytes())),
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text.contains("导入未执行") && r.text.contains("姓名") && r.text.contains("不能为空"),
        "{}",
        r.text
    );
}

/// The issue's file, written by hand: a sheet that declares A1:XFD1048576 (17 billion cells, which
/// calamine's `worksheet_range` would allocate at once) and holds one cell at each corner.
fn sparse_corner_xlsx() -> Vec<u8> {
    use std::io::Write;
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>张三</t></is></c></row></sheetData></worksheet>"#),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_sparse_sheet_declaring_17_billion_cells_is_refused_in_chinese_and_the_server_still_answers()
 {
    let app = TestApp::spawn().await;
    let bytes = sparse_corner_xlsx();
    assert!(bytes.len() < 2_000, "a small file: {} bytes", bytes.len());
    // The file is the bomb: what it declares, read without reading the cells.
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let declared = book.worksheet_cells_reader("人员").unwrap().dimensions();
    assert_eq!(declared.len(), 1_048_576 * 16_384);
    let before = app.count("select count(*) from people").await;

    let (path, body) = upload("corner.xlsx", bytes.clone());
    let r = app.call(Who::Community, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let message = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("文件过大") && message.contains("行"),
        "{message}"
    );
    assert!(!message.to_lowercase().contains("error"), "{message}");

    let c = app.client(Who::Community).cloned().unwrap();
    let page = app
        .send(
            Some(&c),
            Method::POST,
            "/communities/sg01/people/import",
            B::Multipart(
                vec![
                    ("_csrf".into(), c.csrf.clone()),
                    ("_idem".into(), "imp-corner".into()),
                ],
                Some(("corner.xlsx".into(), bytes)),
            ),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains("文件过大"), "{}", page.text);

    // Still up, and nothing imported.
    let r = app
        .call(
            Who::Community,
            Method::GET,
            "/people/template.csv",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("select count(*) from people").await, before);
}

#[tokio::test]
async fn a_street_import_of_2600_people_in_two_communities_audits_each_in_a_verified_chain() {
    let app = TestApp::spawn().await;
    // More rows than one multi-row insert takes, split over two audit chains.
    let n = 2_600;
    let ids: Vec<String> = (0..n)
        .map(|i| {
            let birth = format!(
                "{:04}{:02}{:02}",
                1950 + i / 300,
                1 + (i / 25) % 12,
                1 + i % 25
            );
            id_number(&birth, 777)
        })
        .collect();
    let mut text = "姓名,身份证号,居住社区\n".to_string();
    for (i, id) in ids.iter().enumerate() {
        let home = if i % 3 == 0 { "sg02" } else { "sg01" };
        text.push_str(&format!("居民,{id},{home}\n"));
    }
    let people = app.count("select count(*) from people").await;
    let created = "select count(*) from audit_log where entity = 'person' and action = 'create'";
    let audited = app.count(created).await;

    let (path, body) = upload("many.csv", text.into_bytes());
    let r = app.call(Who::Street, Method::POST, &path, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json()["imported"], n);
    assert_eq!(
        app.count("select count(*) from people").await,
        people + n as i64
    );
    assert_eq!(app.count(created).await, audited + n as i64);
    assert_eq!(
        app.count(
            "select count(*) from audit_log where entity = 'person' and scope = 'community:sg02'"
        )
        .await,
        (n as i64 + 2) / 3
    );
    let breaks = huanjie::audit::verify(&app.state.db).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    // Each entry describes the person whose id it names, across the insert chunks' seams.
    for i in [0, 999, 1_000, 1_001, 2_599] {
        let (after,): (String,) = Q::new(
            "select a.after_json from audit_log a join people p on a.entity_id = cast(p.id as text) \
             where a.entity = 'person' and p.id_number = $1",
        )
        .bind(&ids[i])
        .one(&app.state.db)
        .await
        .unwrap();
        assert!(after.contains(&ids[i]), "row {i}: {after}");
    }
}

/// Drafts of `n` people of sg01 (residence resolved), for the bulk import.
async fn drafts(app: &TestApp, n: usize, seq: u32) -> Vec<huanjie::people::NewPerson> {
    let sg01 = app
        .count("select id from communities where code = 'sg01'")
        .await;
    (0..n)
        .map(|i| {
            let raw = huanjie::domain::person::RawPerson {
                name: format!("预测{i}"),
                // One birth day each: the ID numbers differ.
                id_number: id_number(
                    &(chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
                        + chrono::Days::new(i as u64))
                    .format("%Y%m%d")
                    .to_string(),
                    seq,
                ),
                ..Default::default()
            };
            let draft = raw.parse().expect("a valid person");
            let resolved = huanjie::people::Resolved {
                residence: Some(sg01),
                ..Default::default()
            };
            huanjie::people::NewPerson::new(draft, resolved)
        })
        .collect()
}

#[tokio::test]
async fn a_bulk_import_whose_predicted_ids_and_chain_head_went_stale_writes_in_the_transaction_and_the_chains_verify()
 {
    let app = TestApp::spawn().await;
    let people = drafts(&app, 1_200, 101).await;
    let actor = huanjie::audit::Actor::system();
    // Between the staging and the write lock, another clerk adds a person in sg01: the next id
    // and sg01's chain head move, so what was staged no longer fits.
    let meanwhile = async {
        let r = app
            .call(
                Who::Community,
                Method::POST,
                "/api/v1/communities/sg01/people",
                B::Json(serde_json::json!({"name": "插队", "id_number": id_number("19800101", 9)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    };
    let (ids, _) = huanjie::people::import_between(&app.state.db, &actor, &people, meanwhile)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1_200);
    let cut_in = app.count("select id from people where name = '插队'").await;
    assert_eq!(
        ids[0],
        cut_in + 1,
        "the import's ids follow the person added meanwhile"
    );
    let breaks = huanjie::audit::verify(&app.state.db).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    // Each id names the person given in that place, and each entry the person it names.
    for i in [0usize, 599, 1_199] {
        let (name,): (String,) = Q::new("select name from people where id = $1")
            .bind(ids[i])
            .one(&app.state.db)
            .await
            .unwrap();
        assert_eq!(name, format!("预测{i}"));
        let (after,): (String,) =
            Q::new("select after_json from audit_log where entity = 'person' and entity_id = $1")
                .bind(ids[i].to_string())
                .one(&app.state.db)
                .await
                .unwrap();
        assert!(after.contains(&format!("预测{i}")), "{after}");
    }
    // Nothing is left behind on the connection that staged.
    let second = drafts(&app, 10, 103).await;
    let (more, _) = huanjie::people::import(&app.state.db, &actor, &second)
        .await
        .unwrap();
    assert_eq!(more.len(), 10);
    assert!(
        huanjie::audit::verify(&app.state.db)
            .await
            .unwrap()
            .is_empty()
    );
}
