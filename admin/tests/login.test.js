import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus, { ElMessage } from 'element-plus'
import './setup-element'
import { ApiError } from '../src/api/request'

vi.mock('../src/api/auth', () => ({ login: vi.fn(), me: vi.fn(), logout: vi.fn() }))
const authApi = await import('../src/api/auth')
const { default: LoginView } = await import('../src/views/LoginView.vue')

async function mountLogin() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/login', component: LoginView },
    { path: '/dashboard', component: { template: '<div />' } }] })
  await router.push('/login')
  const wrapper = mount(LoginView, { global: { plugins: [pinia, router, ElementPlus] } })
  await wrapper.find('input[name="username"]').setValue('service')
  await wrapper.find('input[name="password"]').setValue('wrong-password')
  return wrapper
}

describe('登录', () => {
  it('shows one message per attempt, never a pile of toasts', async () => {
    const toast = vi.spyOn(ElMessage, 'error')
    authApi.login.mockRejectedValue(new ApiError(401, 'LOGIN_FAILED', '用户名或密码错误'))
    const wrapper = await mountLogin()
    for (let i = 0; i < 3; i += 1) {
      await wrapper.get('[data-test="login-submit"]').trigger('click')
      await flushPromises()
    }
    expect(wrapper.findAll('[data-test="login-problem"]')).toHaveLength(1)
    expect(wrapper.get('[data-test="login-problem"]').text()).toContain('用户名或密码错误')
    expect(toast).not.toHaveBeenCalled()
  })

  it('says how long to wait when locked and keeps the button disabled until then', async () => {
    vi.useFakeTimers()
    authApi.login.mockRejectedValue(new ApiError(429, 'TOO_MANY_REQUESTS', '操作过于频繁，请 3 秒后再试', { retry_after_seconds: 3 }))
    const wrapper = await mountLogin()
    await wrapper.get('[data-test="login-submit"]').trigger('click')
    await flushPromises()
    const button = wrapper.get('[data-test="login-submit"]')
    expect(wrapper.get('[data-test="login-problem"]').text()).toContain('请 3 秒后再试')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.text()).toBe('请 3 秒后再试')
    await vi.advanceTimersByTimeAsync(3000)
    expect(wrapper.get('[data-test="login-submit"]').attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[data-test="login-submit"]').text()).toBe('登录')
    vi.useRealTimers()
  })
})
