import { z } from 'zod'
import { AccountId } from './account'

/** Attribute names and filters differ between directory servers; these presets fill them in. */
export const DirectoryPreset = z.enum(['openldap', 'activedirectory'])
export type DirectoryPreset = z.infer<typeof DirectoryPreset>

const Attribute = z.string().trim().max(100).regex(/^[A-Za-z][\w;-]*$|^$/, 'An attribute name has letters, digits, hyphens (and ;binary)')
const Filter = z.string().trim().max(1000).regex(/^\(.*\)$/s, 'An LDAP filter is written in parentheses')

/** Which attribute holds what (RFC 4519, RFC 2798 inetOrgPerson; Active Directory's own names). */
export const DirectoryAttributes = z.object({
  name: Attribute,
  givenName: Attribute,
  familyName: Attribute,
  email: Attribute,
  phone: Attribute,
  mobile: Attribute,
  title: Attribute,
  organization: Attribute,
  department: Attribute,
  photo: Attribute,
  /** the S/MIME certificate (RFC 4523 userCertificate;binary; AD stores it as userCertificate) */
  certificate: Attribute,
  /** a group's members, as DNs (groupOfNames/member, AD group/member) */
  member: Attribute,
  /** attributes a typed word is matched against (as a prefix) */
  search: z.array(Attribute.min(1)).min(1).max(12),
  personFilter: Filter,
  groupFilter: Filter,
})
export type DirectoryAttributes = z.infer<typeof DirectoryAttributes>

const PRESETS: Record<DirectoryPreset, DirectoryAttributes> = {
  openldap: {
    name: 'cn',
    givenName: 'givenName',
    familyName: 'sn',
    email: 'mail',
    phone: 'telephoneNumber',
    mobile: 'mobile',
    title: 'title',
    organization: 'o',
    department: 'ou',
    photo: 'jpegPhoto',
    certificate: 'userCertificate;binary',
    member: 'member',
    search: ['cn', 'givenName', 'sn', 'mail', 'uid'],
    personFilter: '(|(objectClass=inetOrgPerson)(objectClass=person))',
    groupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
  },
  activedirectory: {
    name: 'displayName',
    givenName: 'givenName',
    familyName: 'sn',
    email: 'mail',
    phone: 'telephoneNumber',
    mobile: 'mobile',
    title: 'title',
    organization: 'company',
    department: 'department',
    photo: 'thumbnailPhoto',
    certificate: 'userCertificate',
    member: 'member',
    search: ['displayName', 'givenName', 'sn', 'mail', 'sAMAccountName'],
    // people with a mailbox or account, not disabled (userAccountControl bit 2, LDAP_MATCHING_RULE_BIT_AND)
    personFilter: '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
    groupFilter: '(objectClass=group)',
  },
}

/** The attribute mapping of a preset (a copy the user may change). */
export function presetAttributes(preset: DirectoryPreset): DirectoryAttributes {
  const attributes = PRESETS[preset]
  return { ...attributes, search: [...attributes.search] }
}

/** An LDAP directory (OpenLDAP, Active Directory …) people are looked up in. */
export const DirectorySettings = z.object({
  name: z.string().trim().min(1, 'Give the directory a name').max(100),
  /** ldap://host[:port] (StartTLS unless turned off) or ldaps://host[:port] (TLS from the first byte) */
  url: z
    .string()
    .trim()
    .max(500)
    .regex(/^ldaps?:\/\/[A-Za-z0-9.:[\]_-]+(:\d{1,5})?\/?$/i, 'Enter ldap://host or ldaps://host, with a port if it is not the standard one'),
  /** upgrade ldap:// with StartTLS (RFC 4513 §3); off only for a directory that offers none */
  startTls: z.boolean().default(true),
  baseDn: z.string().trim().min(1, 'Enter the base DN, e.g. dc=example,dc=com').max(1000),
  /** null: search anonymously; else simple bind with this DN (or user@domain for AD) and the stored password */
  bindDn: z.string().trim().max(1000).nullable().default(null),
  preset: DirectoryPreset.default('openldap'),
  attributes: DirectoryAttributes.default(PRESETS.openldap),
  /** the longest a search may take before the results from elsewhere are shown without it */
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  /** entries per search at most */
  sizeLimit: z.number().int().min(1).max(500).default(25),
  /** the mail account this directory belongs to (e.g. the company's), if any */
  mailAccountId: AccountId.nullable().default(null),
})
export type DirectorySettings = z.infer<typeof DirectorySettings>
export type DirectorySettingsInput = z.input<typeof DirectorySettings>

export const Directory = DirectorySettings.extend({ id: AccountId })
export type Directory = z.infer<typeof Directory>

/** A person or group found in a directory. */
export const DirectoryEntry = z.object({
  directoryId: AccountId,
  dn: z.string(),
  kind: z.enum(['person', 'group']),
  name: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  title: z.string(),
  organization: z.string(),
  department: z.string(),
  /** data: URL of the directory's photo */
  photo: z.string().nullable(),
  /** S/MIME certificates, DER in base64 (for encrypting to this person) */
  certificates: z.array(z.string()),
  /** a group's member count (null for people) */
  memberCount: z.number().int().nullable(),
})
export type DirectoryEntry = z.infer<typeof DirectoryEntry>
