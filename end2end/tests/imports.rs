//! Importing people from a CSV file in a real browser: a file dropped on the zone (a synthetic
//! drop event carrying a `File`), the preview with its errors, the column mapping corrected, the
//! import applied with its progress page and result file, the users table; then a second file
//! through the file input that updates a person, and undoing that import.

use end2end::flows::{create_first_admin, ACME};
use end2end::{check, in_both, workspace_root, Browser, Outcome, Page, Portal, Scripting};

/// "Contact" is no title the portal knows, so the admin has to say it holds the addresses.
const DROPPED: &str = "Given name,Surname,Contact,Calling\n\
                       Ana,Silva,ana@acme.example,TRUE\n\
                       Bo,Chen,bo@acme.example,FALSE\n\
                       Broken,Row,not-an-address,\n\
                       Ana,Again,ana@acme.example,\n";

/// The index of "Email address" among the mapping's choices (`Field::ALL`).
const EMAIL_CHOICE: &str = "3";

async fn count(page: &Page, class: &str) -> Result<String, end2end::Failure> {
    page.text(&format!(".import-preview .import-counts .{class} strong"))
        .await
}

/// Drops `text` as `name` on the drop zone, as a browser does when a file is dragged there.
async fn drop_file(page: &Page, name: &str, text: &str) -> Outcome {
    let script = format!(
        "const transfer = new DataTransfer();
         transfer.items.add(new File([{text:?}], {name:?}, {{ type: 'text/csv' }}));
         const zone = document.querySelector('#drop-zone');
         zone.dispatchEvent(new DragEvent('dragover', {{ dataTransfer: transfer, bubbles: true, cancelable: true }}));
         zone.dispatchEvent(new DragEvent('drop', {{ dataTransfer: transfer, bubbles: true, cancelable: true }}));
         return true;"
    );
    page.execute(&script).await.map(drop)
}

/// The text of the file behind the link `css`, fetched as the browser would download it.
async fn download(page: &Page, css: &str) -> Result<String, end2end::Failure> {
    let text = page
        .execute(&format!(
            "const request = new XMLHttpRequest();
             request.open('GET', document.querySelector('{css}').href, false);
             request.send();
             return request.status + '\\n' + request.responseText;"
        ))
        .await?;
    Ok(text.as_str().unwrap_or_default().to_owned())
}

async fn import_a_dropped_file(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/users").await?;
    page.click("#import-link").await?;
    page.wait_for_text("h1", "Import people from a CSV file")
        .await?;
    page.wait_until_interactive().await?;
    drop_file(page, "people.csv", DROPPED).await?;

    // Nothing says which column holds the addresses: the preview says so and offers the mapping.
    page.wait_for(".mapping-problem").await?;
    let problem = page.text(".mapping-problem").await?;
    check(
        problem.contains("No column holds email addresses"),
        format!("unexpected mapping problem: {problem:?}"),
    )?;
    page.select("#map-2", EMAIL_CHOICE).await?;
    page.wait_for_text(".import-preview .import-counts .count-new strong", "2")
        .await?;
    check(
        count(page, "count-invalid").await? == "1" && count(page, "count-duplicates").await? == "1",
        "the preview should count one invalid row and one duplicate",
    )?;
    let problems = page.text(".import-preview table.problems").await?;
    check(
        problems.contains("not-an-address") && problems.contains("Already on row 2"),
        format!("the problems table misses a row: {problems:?}"),
    )?;
    let sample = page.text(".import-preview table.sample").await?;
    check(
        sample.contains("Ana Silva") && sample.contains("bo@acme.example"),
        format!("the sample rows are not as imported: {sample:?}"),
    )?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.screenshot(&workspace_root().join("docs/import-preview.png"))
            .await?;
    }
    let nothing_yet = page
        .execute("return document.querySelectorAll('[data-test=user-row]').length;")
        .await?;
    check(
        nothing_yet.as_u64() == Some(0),
        "the preview page has no table",
    )?;

    page.wait_for_text("#start-import", "Import 2 people")
        .await?;
    page.click("#start-import").await?;
    page.wait_for_text(".import-progress .import-state", "Done")
        .await?;
    page.wait_until_interactive().await?;
    check(
        page.path().await?.starts_with("/users/imports/"),
        "the import's own page opens",
    )?;
    page.wait_for_text(".import-progress .count-created strong", "2")
        .await?;
    page.wait_for_text(".import-progress .count-failed strong", "2")
        .await?;
    let progress = page.text(".progress-line").await?;
    check(
        progress.starts_with("4 of 4 rows"),
        format!("unexpected progress line: {progress:?}"),
    )?;
    page.check_accessibility().await?;
    if page.browser == Browser::Chromium && std::env::var_os("UPDATE_DOCS_SCREENSHOT").is_some() {
        page.screenshot(&workspace_root().join("docs/import-done.png"))
            .await?;
    }
    let result = download(page, "#result-file").await?;
    check(
        result.starts_with("200\n")
            && result.contains("Given name,Surname,Contact,Calling,Row,Outcome,Reason")
            && result.matches(",Created,").count() == 2
            && result.matches(",Failed,").count() == 2,
        format!("unexpected result file: {result:?}"),
    )?;

    page.click("a[href='/users']").await?;
    page.wait_for("[data-test=users-table]").await?;
    page.wait_for(
        "[data-test=user-row][data-email='ana@acme.example'][data-status=invite_pending]",
    )
    .await?;
    page.wait_for("[data-test=user-row][data-email='bo@acme.example']")
        .await?;
    a_chinese_excel_file_reads_as_gbk(page).await?;
    update_through_the_file_input_and_undo(page).await
}

/// Chinese-locale Excel saves CSV in GBK: the browser tells it from UTF-8 and reads the names.
async fn a_chinese_excel_file_reads_as_gbk(page: &Page) -> Outcome {
    page.visit("/users/import").await?;
    // "Email,Name / li.na@acme.example,李娜" in GBK.
    page.execute(
        "const bytes = new Uint8Array([
             ...new TextEncoder().encode('Email,Name\\r\\nli.na@acme.example,'),
             0xC0, 0xEE, 0xC4, 0xC8, 0x0D, 0x0A]);
         const transfer = new DataTransfer();
         transfer.items.add(new File([bytes], 'gbk.csv', { type: 'text/csv' }));
         document.querySelector('#drop-zone').dispatchEvent(
             new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
         return true;",
    )
    .await?;
    page.wait_for_text(".import-preview .import-counts .count-new strong", "1")
        .await?;
    let sample = page.text(".import-preview table.sample").await?;
    let encoding = page
        .execute("return document.querySelector('#encoding').value;")
        .await?;
    check(
        sample.contains("李娜") && encoding.as_str() == Some("gb18030"),
        format!("GBK read as {encoding:?}: {sample:?}"),
    )
}

/// A second file chosen with the file input updates Ana and adds Cy; undoing it removes Cy and
/// gives Ana her name back.
async fn update_through_the_file_input_and_undo(page: &Page) -> Outcome {
    let folder = tempfile::tempdir().map_err(|e| end2end::Failure(e.to_string()))?;
    let path = folder.path().join("changes.csv");
    std::fs::write(
        &path,
        "Email,Display name\r\nana@acme.example,Ana Costa\r\ncy@acme.example,Cy Wong\r\n",
    )
    .map_err(|e| end2end::Failure(e.to_string()))?;
    page.visit("/users/import").await?;
    page.wait_for("#csv-file")
        .await?
        .send_keys(&path.display().to_string())
        .await?;
    page.wait_for_text(".import-preview .import-counts .count-new strong", "1")
        .await?;
    check(
        count(page, "count-unchanged").await? == "1",
        "without updating, Ana is left as she is",
    )?;
    page.click("#update-existing").await?;
    page.wait_for_text(".import-preview .import-counts .count-updated strong", "1")
        .await?;
    page.click("#start-import").await?;
    page.wait_for_text(".import-progress .import-state", "Done")
        .await?;
    page.wait_for_text(".import-progress .count-updated strong", "1")
        .await?;

    // The progress page was opened by a full page load: wait for the wasm before clicking.
    page.wait_until_interactive().await?;
    page.click("#undo-import").await?;
    let plan = page.text(".undo-plan").await?;
    check(
        plan.contains("remove 1 people") && plan.contains("put back 1 people"),
        format!("unexpected undo plan: {plan:?}"),
    )?;
    page.click("#confirm-undo").await?;
    page.wait_for_text(".undo .notice", "The import has been undone.")
        .await?;
    page.wait_for_text(".import-progress .import-state", "Undone")
        .await?;
    page.visit("/users").await?;
    page.wait_for("[data-test=user-row][data-email='ana@acme.example']")
        .await?;
    let table = page.text("[data-test=users-table]").await?;
    check(
        table.contains("Ana Silva") && !table.contains("cy@acme.example"),
        format!("undo did not restore the table: {table:?}"),
    )
}

/// Without scripting the page says what to do instead, and the template still downloads.
async fn without_scripting(page: &Page, portal: &Portal) -> Outcome {
    create_first_admin(page, portal).await?;
    page.visit("/users/import").await?;
    let notice = page.text(".import-start .notice").await?;
    check(
        notice.contains("needs JavaScript"),
        format!("unexpected notice: {notice:?}"),
    )?;
    let template = page
        .attribute(".import-start a[download]", "href")
        .await?
        .unwrap_or_default();
    check(
        template == "/users/import/template.csv",
        format!("unexpected template link: {template:?}"),
    )
}

#[tokio::test]
async fn import_people_from_a_file() {
    in_both(
        "import_people",
        Scripting::On,
        &[ACME],
        import_a_dropped_file,
    )
    .await;
}

#[tokio::test]
async fn import_page_without_javascript() {
    in_both("import_no_js", Scripting::Off, &[ACME], without_scripting).await;
}
