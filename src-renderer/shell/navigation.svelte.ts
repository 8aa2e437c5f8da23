export const sections = ['mail', 'calendar', 'contacts', 'settings'] as const
export type Section = (typeof sections)[number]

function fromHash(): Section {
  const name = location.hash.replace(/^#\/?/, '')
  return (sections as readonly string[]).includes(name) ? (name as Section) : 'mail'
}

/** Which section is showing; kept in the URL hash so a reload stays where the user was. */
class Navigation {
  current = $state<Section>(fromHash())

  constructor() {
    addEventListener('hashchange', () => (this.current = fromHash()))
  }

  go(section: Section) {
    this.current = section
    history.replaceState(null, '', `#/${section}`)
  }
}

export const navigation = new Navigation()
