//! The column titles Webex, Google Workspace, Entra and people write, guessed to fields.

use super::*;

/// The mapping guessed for a header line, as (header, field) for the mapped columns.
fn mapped(header_line: &str) -> Vec<(String, Field)> {
    let headers = strings(&header_line.split(',').collect::<Vec<_>>());
    let mapping = guess_mapping(&headers);
    assert_eq!(mapping.columns.len(), headers.len());
    headers
        .into_iter()
        .zip(mapping.columns)
        .filter_map(|(header, field)| Some((header, field?)))
        .collect()
}

fn pairs(expected: &[(&str, Field)]) -> Vec<(String, Field)> {
    expected
        .iter()
        .map(|(header, field)| ((*header).to_owned(), *field))
        .collect()
}

#[test]
fn webex_control_hub_export() {
    let header = "First Name,Last Name,Display Name,User ID/Email (Required),User Status,Days Since Last Activity,Extension,Phone Number,Caller ID Number,Caller ID First Name,Caller ID Last Name,Location,Department,Manager,Basic Messaging [acme.webex.com],Basic Space Meetings,Webex Meetings [acme.webex.com],Webex Calling [Professional]";
    assert_eq!(
        mapped(header),
        pairs(&[
            ("First Name", Field::FirstName),
            ("Last Name", Field::LastName),
            ("Display Name", Field::DisplayName),
            ("User ID/Email (Required)", Field::Email),
            ("Extension", Field::Extension),
            ("Phone Number", Field::Phone),
            (
                "Basic Messaging [acme.webex.com]",
                Field::Service(Service::Messaging)
            ),
            ("Basic Space Meetings", Field::Service(Service::Meetings)),
            (
                "Webex Calling [Professional]",
                Field::Service(Service::Calling)
            ),
        ])
    );
}

#[test]
fn google_workspace_bulk_upload() {
    let header = "First Name [Required],Last Name [Required],Email Address [Required],Password [Required],Password Hash Function [UPLOAD ONLY],Org Unit Path [Required],New Primary Email [UPLOAD ONLY],Recovery Email,Home Secondary Email,Work Secondary Email,Recovery Phone [MUST BE IN THE E.164 FORMAT],Work Phone,Home Phone,Mobile Phone,Work Address,Home Address,Employee ID,Employee Type,Employee Title,Manager Email,Department,Cost Center,Building ID,Floor Name,Floor Section,Change Password at Next Sign-In,New Status [UPLOAD ONLY],Advanced Protection Program enrollment";
    assert_eq!(
        mapped(header),
        pairs(&[
            ("First Name [Required]", Field::FirstName),
            ("Last Name [Required]", Field::LastName),
            ("Email Address [Required]", Field::Email),
            ("Work Phone", Field::Phone),
        ])
    );
}

#[test]
fn microsoft_entra_bulk_create_with_its_version_line() {
    let text = "version:v1.0\r\nName [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required,First name [givenName],Last name [surname],Job title [jobTitle],Department [department],Usage location [usageLocation],Street address [streetAddress],State or province [state],Country or region [country],Office [physicalDeliveryOfficeName],City [city],ZIP or postal code [postalCode],Office phone [telephoneNumber],Mobile phone [mobile]\r\nZhang Wei,zhang.wei@contoso.example,Pa55word!,No,Wei,Zhang,Engineer,R&D,CN,,,,,,,+86 10 5555 0100,+86 138 0013 8000\r\n";
    let (sheet, validated) = read(text);
    assert_eq!(sheet.headers.len(), 17);
    assert_eq!(
        mapped(&sheet.headers.join(",")),
        pairs(&[
            ("Name [displayName] Required", Field::DisplayName),
            ("User name [userPrincipalName] Required", Field::Email),
            ("First name [givenName]", Field::FirstName),
            ("Last name [surname]", Field::LastName),
            ("Office phone [telephoneNumber]", Field::Phone),
        ])
    );
    let person = &validated.people[0];
    assert_eq!(person.row, 3, "the header is row 2, under the version line");
    assert_eq!(person.email.as_str(), "zhang.wei@contoso.example");
    assert_eq!(person.phone.as_deref(), Some("+861055550100"));
    // Saved again from Excel, the version line gains empty cells.
    let resaved = text.replacen("version:v1.0", "version:v1.0,,,,,,,,,,,,,,,,", 1);
    assert_eq!(read(&resaved).1, validated);
}

#[test]
fn microsoft_entra_user_export() {
    let header = "userPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,department,accountEnabled,usageLocation,streetAddress,state,country,physicalDeliveryOfficeName,city,postalCode,telephoneNumber,mobile,preferredLanguage";
    assert_eq!(
        mapped(header),
        pairs(&[
            ("userPrincipalName", Field::Email),
            ("displayName", Field::DisplayName),
            ("surname", Field::LastName),
            ("givenName", Field::FirstName),
            ("telephoneNumber", Field::Phone),
            ("preferredLanguage", Field::Language),
        ]),
        "the later `mail` column is ignored: the first address column wins"
    );
}

#[test]
fn chinese_headers() {
    assert_eq!(
        mapped("姓,名,显示名称,邮箱,消息,会议,通话,电话号码,分机号,语言"),
        pairs(&[
            ("姓", Field::LastName),
            ("名", Field::FirstName),
            ("显示名称", Field::DisplayName),
            ("邮箱", Field::Email),
            ("消息", Field::Service(Service::Messaging)),
            ("会议", Field::Service(Service::Meetings)),
            ("通话", Field::Service(Service::Calling)),
            ("电话号码", Field::Phone),
            ("分机号", Field::Extension),
            ("语言", Field::Language),
        ])
    );
    assert_eq!(
        mapped("姓名,电子邮件地址（必填）"),
        pairs(&[
            ("姓名", Field::DisplayName),
            ("电子邮件地址（必填）", Field::Email)
        ])
    );
}

#[test]
fn spelling_case_and_punctuation_do_not_matter_and_unknown_columns_are_ignored() {
    assert_eq!(
        mapped("E-Mail*,FULL_NAME,Phone #,Ext.,Locale,Shoe size,Favourite colour"),
        pairs(&[
            ("E-Mail*", Field::Email),
            ("FULL_NAME", Field::DisplayName),
            ("Phone #", Field::Phone),
            ("Ext.", Field::Extension),
            ("Locale", Field::Language),
        ])
    );
    let mapping = guess_mapping(&strings(&["Email", "Email", "Shoe size"]));
    assert_eq!(mapping.columns, [Some(Field::Email), None, None]);
    assert_eq!(guess_mapping(&[]), Mapping::default());
}

#[test]
fn the_template_header_maps_to_every_field_in_order() {
    let headers: Vec<String> = Field::ALL
        .iter()
        .map(|field| field.template_header().to_owned())
        .collect();
    assert_eq!(
        guess_mapping(&headers).columns,
        Field::ALL.map(Some).to_vec()
    );
    for field in Field::ALL {
        for locale in Locale::ALL {
            assert!(!locale.text(field.label()).is_empty());
        }
    }
    assert_eq!(
        Field::Service(Service::Calling).label(),
        Key::ServiceCalling
    );
}
