//! TLS on the service's port: the certificate, its key and the client CA read from PEM files,
//! read again when they change (cert-manager rewrites them in place, and a Kubernetes Secret
//! volume swaps a symlink, which no watch on the file itself sees), and the principal a client
//! certificate names. Connections are accepted and handshaken in connections.rs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig, crypto::ring};
use tracing::{error, info};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

use crate::error::{Error, Result};

/// How often the files are read again: a rotated certificate is served within about this long.
const RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// The files TLS is read from, as `--tls-cert`, `--tls-key` and `--tls-client-ca` name them.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    certificate: PathBuf,
    key: PathBuf,
    client_ca: Option<PathBuf>,
}

impl TlsFiles {
    /// Returns the files of the flags, `None` when TLS is off, or an error naming the flag
    /// missing: a certificate without its key (or the reverse) or a client CA without either.
    pub fn from_flags(
        certificate: Option<&Path>,
        key: Option<&Path>,
        client_ca: Option<&Path>,
    ) -> Result<Option<TlsFiles>> {
        match (certificate, key) {
            (Some(certificate), Some(key)) => Ok(Some(TlsFiles {
                certificate: certificate.to_path_buf(),
                key: key.to_path_buf(),
                client_ca: client_ca.map(Path::to_path_buf),
            })),
            (None, None) if client_ca.is_none() => Ok(None),
            (None, None) => Err(refused("--tls-client-ca needs --tls-cert and --tls-key")),
            (Some(_), None) => Err(refused("--tls-cert needs --tls-key")),
            (None, Some(_)) => Err(refused("--tls-key needs --tls-cert")),
        }
    }
}

/// The TLS settings last read successfully, for each new connection.
#[derive(Clone)]
pub struct Tls {
    current: Arc<RwLock<Arc<ServerConfig>>>,
}

impl Tls {
    /// Reads `files`, refusing with the file and the reason when one is missing or wrong, and
    /// reads them again every second for as long as a clone of the returned value lives.
    pub fn load(files: TlsFiles) -> Result<Tls> {
        let contents = Contents::read(&files).map_err(|cause| refused(cause.to_string()))?;
        let config =
            server_config(&files, &contents).map_err(|cause| refused(cause.to_string()))?;
        info!(certificate = %describe(&contents.certificate), client_ca = files.client_ca.is_some(), "serving tls");
        let tls = Tls {
            current: Arc::new(RwLock::new(Arc::new(config))),
        };
        tokio::spawn(reload_on_change(
            Arc::downgrade(&tls.current),
            files,
            contents,
        ));
        Ok(tls)
    }

    /// Returns what handshakes a new connection with the current certificate.
    pub fn acceptor(&self) -> TlsAcceptor {
        let config = match self.current.read() {
            Ok(current) => current.clone(),
            // A writer that panicked left a whole config in place: the swap is one assignment.
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        TlsAcceptor::from(config)
    }
}

/// Returns the principal a verified client certificate names: its URI SAN (a SPIFFE id), else
/// its first DNS SAN, else its subject's common name.
pub fn client_principal(certificate: &[u8]) -> Option<String> {
    let (_, parsed) = X509Certificate::from_der(certificate).ok()?;
    let alternative_names = parsed
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|extension| extension.value.general_names.clone())
        .unwrap_or_default();
    let uri = alternative_names.iter().find_map(|name| match name {
        GeneralName::URI(uri) => Some(*uri),
        _ => None,
    });
    let dns = || {
        alternative_names.iter().find_map(|name| match name {
            GeneralName::DNSName(dns) => Some(*dns),
            _ => None,
        })
    };
    let common_name = || {
        parsed
            .subject()
            .iter_common_name()
            .find_map(|common_name| common_name.as_str().ok())
    };
    uri.or_else(dns).or_else(common_name).map(str::to_string)
}

/// The bytes of the files, compared with the last read to see a change whatever the mtime says.
#[derive(PartialEq, Eq)]
struct Contents {
    certificate: Vec<u8>,
    key: Vec<u8>,
    client_ca: Option<Vec<u8>>,
}

impl Contents {
    fn read(files: &TlsFiles) -> std::result::Result<Contents, FileError> {
        let read = |flag, path: &Path| {
            std::fs::read(path).map_err(|cause| FileError::new(flag, path, cause.to_string()))
        };
        Ok(Contents {
            certificate: read("--tls-cert", &files.certificate)?,
            key: read("--tls-key", &files.key)?,
            client_ca: files
                .client_ca
                .as_deref()
                .map(|path| read("--tls-client-ca", path))
                .transpose()?,
        })
    }
}

/// What is wrong with one of the files.
#[derive(Debug, thiserror::Error)]
#[error("{flag} {}: {reason}", path.display())]
struct FileError {
    flag: &'static str,
    path: PathBuf,
    reason: String,
}

impl FileError {
    fn new(flag: &'static str, path: &Path, reason: impl Into<String>) -> FileError {
        FileError {
            flag,
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

/// Builds the settings of a handshake from the files' `contents`: ALPN offers HTTP/2 and
/// HTTP/1.1, since gRPC-Web and HTTP/JSON clients speak the latter.
fn server_config(
    files: &TlsFiles,
    contents: &Contents,
) -> std::result::Result<ServerConfig, FileError> {
    let certificate_error =
        |reason: String| FileError::new("--tls-cert", &files.certificate, reason);
    let key_error = |reason: String| FileError::new("--tls-key", &files.key, reason);
    let chain = CertificateDer::pem_slice_iter(&contents.certificate)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|cause| certificate_error(format!("not a PEM certificate chain: {cause}")))?;
    if chain.is_empty() {
        return Err(certificate_error("no PEM CERTIFICATE in it".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(&contents.key)
        .map_err(|cause| key_error(format!("not a PEM private key: {cause}")))?;

    let provider = Arc::new(ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|cause| certificate_error(cause.to_string()))?;
    let builder = match (&files.client_ca, &contents.client_ca) {
        (Some(path), Some(bundle)) => {
            let ca_error = |reason: String| FileError::new("--tls-client-ca", path, reason);
            let mut roots = RootCertStore::empty();
            for certificate in CertificateDer::pem_slice_iter(bundle) {
                let certificate = certificate
                    .map_err(|cause| ca_error(format!("not a PEM certificate bundle: {cause}")))?;
                roots
                    .add(certificate)
                    .map_err(|cause| ca_error(format!("not a CA certificate: {cause}")))?;
            }
            if roots.is_empty() {
                return Err(ca_error("no PEM CERTIFICATE in it".into()));
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|cause| ca_error(cause.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        _ => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(chain, key).map_err(|cause| {
        key_error(format!(
            "cannot serve it with {}: {cause}",
            files.certificate.display()
        ))
    })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Reads the files every second while `current` lives; a change that builds replaces the
/// settings new connections get (open ones keep theirs), one that does not is logged once and
/// the last good settings stay.
async fn reload_on_change(
    current: Weak<RwLock<Arc<ServerConfig>>>,
    files: TlsFiles,
    mut last_read: Contents,
) {
    let mut last_read_failure = None;
    let mut interval = tokio::time::interval(RELOAD_INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(current) = current.upgrade() else {
            return;
        };
        // A Secret volume swaps its files together, but cert-manager's writer or a hand-edit may
        // leave them missing or mismatched for a moment: said once, retried every second.
        let contents = match Contents::read(&files) {
            Ok(contents) => contents,
            Err(cause) => {
                let message = cause.to_string();
                if last_read_failure.as_ref() != Some(&message) {
                    error!(error = %message, "cannot read the tls files: serving the last good ones");
                    last_read_failure = Some(message);
                }
                continue;
            }
        };
        last_read_failure = None;
        if contents == last_read {
            continue;
        }
        match server_config(&files, &contents) {
            Ok(config) => {
                info!(certificate = %describe(&contents.certificate), "tls files changed: serving them to new connections");
                match current.write() {
                    Ok(mut serving) => *serving = Arc::new(config),
                    Err(poisoned) => *poisoned.into_inner() = Arc::new(config),
                }
            }
            Err(cause) => {
                error!(error = %cause, "tls files changed but cannot be served: serving the last good ones");
            }
        }
        last_read = contents;
    }
}

/// The first certificate of a PEM chain as a log line shows it: subject, serial and expiry.
fn describe(chain: &[u8]) -> String {
    let Some(Ok(first)) = CertificateDer::pem_slice_iter(chain).next() else {
        return String::new();
    };
    match X509Certificate::from_der(first.as_ref()) {
        Ok((_, parsed)) => format!(
            "{} (serial {}, expires {})",
            parsed.subject(),
            parsed.raw_serial_as_string(),
            parsed.validity().not_after
        ),
        Err(_) => String::new(),
    }
}

fn refused(message: impl Into<String>) -> Error {
    Error::FailedPrecondition {
        reason: "TLS_NOT_USABLE",
        message: message.into(),
    }
}

/// Certificates made for the tests: a CA, and certificates it signs.
#[cfg(test)]
pub(crate) mod test_certificates {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, SanType,
    };

    /// A certificate authority.
    pub struct TestCa(CertifiedIssuer<'static, KeyPair>);

    /// A certificate and its key, both PEM.
    pub struct Pem {
        pub certificate: String,
        pub key: String,
    }

    impl TestCa {
        pub fn new(name: &str) -> TestCa {
            let mut params = CertificateParams::default();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            TestCa(CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap())
        }

        pub fn pem(&self) -> String {
            self.0.pem()
        }

        /// Signs a server certificate for 127.0.0.1 and localhost.
        pub fn server(&self) -> Pem {
            self.sign(
                vec![
                    SanType::IpAddress([127, 0, 0, 1].into()),
                    SanType::DnsName("localhost".try_into().unwrap()),
                ],
                "csat",
                ExtendedKeyUsagePurpose::ServerAuth,
            )
        }

        /// Signs a client certificate with these names.
        pub fn client(&self, alternative_names: Vec<SanType>, common_name: &str) -> Pem {
            self.sign(
                alternative_names,
                common_name,
                ExtendedKeyUsagePurpose::ClientAuth,
            )
        }

        fn sign(
            &self,
            alternative_names: Vec<SanType>,
            common_name: &str,
            usage: ExtendedKeyUsagePurpose,
        ) -> Pem {
            let mut params = CertificateParams::default();
            params.subject_alt_names = alternative_names;
            params
                .distinguished_name
                .push(DnType::CommonName, common_name);
            params.extended_key_usages = vec![usage];
            let key = KeyPair::generate().unwrap();
            let certificate = params.signed_by(&key, &self.0).unwrap();
            Pem {
                certificate: certificate.pem(),
                key: key.serialize_pem(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rcgen::SanType;
    use tokio_rustls::rustls::pki_types::CertificateDer;

    use super::test_certificates::TestCa;
    use super::*;

    fn der(pem: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(pem.as_bytes())
            .unwrap()
            .to_vec()
    }

    #[test]
    fn the_principal_is_the_uri_san_else_the_dns_san_else_the_common_name() {
        let ca = TestCa::new("test ca");
        let spiffe = "spiffe://cluster.local/ns/support/sa/helpdesk";
        let with_uri = ca.client(
            vec![
                SanType::DnsName("helpdesk.support.svc".try_into().unwrap()),
                SanType::URI(spiffe.try_into().unwrap()),
            ],
            "helpdesk-cn",
        );
        let with_dns = ca.client(
            vec![
                SanType::IpAddress([10, 0, 0, 1].into()),
                SanType::DnsName("helpdesk.support.svc".try_into().unwrap()),
                SanType::DnsName("second.support.svc".try_into().unwrap()),
            ],
            "helpdesk-cn",
        );
        let with_common_name_only = ca.client(Vec::new(), "helpdesk-cn");

        assert_eq!(
            client_principal(&der(&with_uri.certificate)).as_deref(),
            Some(spiffe)
        );
        assert_eq!(
            client_principal(&der(&with_dns.certificate)).as_deref(),
            Some("helpdesk.support.svc")
        );
        assert_eq!(
            client_principal(&der(&with_common_name_only.certificate)).as_deref(),
            Some("helpdesk-cn")
        );
        assert_eq!(client_principal(b"not a certificate"), None);
    }

    #[test]
    fn half_the_flags_is_refused_naming_the_missing_one() {
        let file = Some(Path::new("x.pem"));

        let messages: Vec<String> = [
            TlsFiles::from_flags(file, None, None),
            TlsFiles::from_flags(None, file, None),
            TlsFiles::from_flags(None, None, file),
        ]
        .into_iter()
        .map(|refused| refused.unwrap_err().to_string())
        .collect();

        assert_eq!(
            messages,
            [
                "--tls-cert needs --tls-key",
                "--tls-key needs --tls-cert",
                "--tls-client-ca needs --tls-cert and --tls-key"
            ]
        );
        assert!(TlsFiles::from_flags(None, None, None).unwrap().is_none());
    }

    #[tokio::test]
    async fn a_bad_file_at_start_is_refused_naming_the_file_and_the_reason() {
        let folder = tempfile::tempdir().unwrap();
        let ca = TestCa::new("test ca");
        let server = ca.server();
        let other = ca.server();
        let write = |name: &str, text: &str| {
            let path = folder.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let certificate = write("tls.crt", &server.certificate);
        let key = write("tls.key", &server.key);
        let other_key = write("other.key", &other.key);
        let garbage = write("garbage.pem", "hello");
        let missing = folder.path().join("missing.pem");
        let load = |certificate: &Path, key: &Path, client_ca: Option<&Path>| {
            let files = TlsFiles::from_flags(Some(certificate), Some(key), client_ca)
                .unwrap()
                .unwrap();
            match Tls::load(files) {
                Ok(_) => "loaded".to_string(),
                Err(cause) => cause.to_string(),
            }
        };

        assert_eq!(load(&certificate, &key, None), "loaded");
        assert_eq!(
            load(&missing, &key, None),
            format!(
                "--tls-cert {}: No such file or directory (os error 2)",
                missing.display()
            )
        );
        assert_eq!(
            load(&garbage, &key, None),
            format!("--tls-cert {}: no PEM CERTIFICATE in it", garbage.display())
        );
        assert!(load(&certificate, &garbage, None).starts_with(&format!(
            "--tls-key {}: not a PEM private key",
            garbage.display()
        )));
        assert!(load(&certificate, &other_key, None).starts_with(&format!(
            "--tls-key {}: cannot serve it with {}",
            other_key.display(),
            certificate.display()
        )));
        assert_eq!(
            load(&certificate, &key, Some(&garbage)),
            format!(
                "--tls-client-ca {}: no PEM CERTIFICATE in it",
                garbage.display()
            )
        );
    }
}
