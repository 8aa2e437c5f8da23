import { mount } from 'svelte'
import App from './App.svelte'
import { startPageIdleCollection } from './shell/idle-collection'
import './ui/tokens.css'
import './ui/dialog.css'

const target = document.getElementById('app')
if (!target) throw new Error('index.html lacks #app')
// the garbage of a sync and its indexing is given back once writing pauses, where the host allows it
startPageIdleCollection()
export default mount(App, { target })
