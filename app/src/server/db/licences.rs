//! Queries on an organisation's plan.

use super::WriteTx;
use crate::domain::{Licences, OrgId};

pub async fn insert(tx: &mut WriteTx, org: OrgId, licences: &Licences) -> Result<(), sqlx::Error> {
    for (service, seats) in licences.iter() {
        sqlx::query("INSERT INTO licences (org_id, service, seats) VALUES ($1, $2, $3)")
            .bind(org.0)
            .bind(service.as_str())
            .bind(i64::from(seats))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
