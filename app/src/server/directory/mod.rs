//! Directory sync's reading side: the people of an LDAP directory (OpenLDAP, Active Directory),
//! read with paged searches so a large directory comes in pages its server allows, mapped to
//! the fields the portal keeps. Comparing them with the organisation (the dry run) and applying
//! the differences build on this.

pub mod ldap;
