/**
 * The object identifiers the certificate parser knows (RFC 5280 §4.2, RFC 5480, RFC 8410, X.520
 * attribute types): extensions and whether the verifier processes them, extendedKeyUsage purposes,
 * and the short names of Name attributes.
 */

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  dsa: '1.2.840.10040.4.1',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  policyConstraints: '2.5.29.36',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Names of extensions (for the report); `processed` ones are understood by the verifier. */
export const EXTENSION_NAMES: Record<string, { name: string; processed: boolean }> = {
  '2.5.29.19': { name: 'basicConstraints', processed: true },
  '2.5.29.15': { name: 'keyUsage', processed: true },
  '2.5.29.37': { name: 'extKeyUsage', processed: true },
  '2.5.29.17': { name: 'subjectAltName', processed: true },
  '2.5.29.30': { name: 'nameConstraints', processed: true },
  '2.5.29.14': { name: 'subjectKeyIdentifier', processed: true },
  '2.5.29.35': { name: 'authorityKeyIdentifier', processed: true },
  // Policies: processed by pki/policies.ts with the RFC 5280 §6.1.1 defaults a browser uses
  // (any initial policy, no explicit policy required by the caller).
  '2.5.29.32': { name: 'certificatePolicies', processed: true },
  '2.5.29.36': { name: 'policyConstraints', processed: true },
  '2.5.29.54': { name: 'inhibitAnyPolicy', processed: true },
  '2.5.29.33': { name: 'policyMappings', processed: true },
  '2.5.29.31': { name: 'cRLDistributionPoints', processed: false },
  '2.5.29.18': { name: 'issuerAltName', processed: false },
  '2.5.29.9': { name: 'subjectDirectoryAttributes', processed: false },
  '1.3.6.1.5.5.7.1.1': { name: 'authorityInfoAccess', processed: true },
  '1.3.6.1.5.5.7.1.11': { name: 'subjectInfoAccess', processed: false },
  '1.3.6.1.4.1.11129.2.4.2': { name: 'signedCertificateTimestampList', processed: false },
  '1.3.6.1.5.5.7.1.24': { name: 'tlsFeature', processed: false },
  '2.16.840.1.113730.1.1': { name: 'nsCertType', processed: false },
  '2.16.840.1.113730.1.13': { name: 'nsComment', processed: false },
};

export const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

export const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.9': 'street',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'title',
  '2.5.4.97': 'organizationIdentifier',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
  '2.5.4.15': 'businessCategory',
};
