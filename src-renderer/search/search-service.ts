import { SearchIndex } from './search-index'

/** The one search index of the app, attached to the store when it opens (see mail-startup.ts). */
export const searchIndex = new SearchIndex()
